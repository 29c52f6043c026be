export const config = { runtime: 'edge' };

// Sets the session cookie the middleware looks for, then sends the visitor back.
export default function handler(request) {
  const next = request.nextUrl.searchParams.get('next') ?? '/api/account';
  return new Response(null, {
    status: 307,
    headers: {
      location: new URL(next, request.url).href,
      'set-cookie': 'session=demo; Path=/; HttpOnly',
    },
  });
}
