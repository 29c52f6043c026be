export const config = { runtime: 'edge' };

export default async function handler(request) {
  if (request.method !== 'POST') {
    return Response.json({ error: 'POST a body to echo it back.' }, { status: 405 });
  }
  const text = await request.text();
  return new Response(text, {
    headers: {
      'content-type': request.headers.get('content-type') ?? 'text/plain',
      'x-echo-length': String(text.length),
    },
  });
}
