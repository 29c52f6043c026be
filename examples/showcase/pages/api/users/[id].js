export const config = { runtime: 'edge' };

export default function handler(request) {
  const id = new URL(request.url).searchParams.get('id');
  return Response.json({ id, greeting: `Hello, user ${id}` });
}
