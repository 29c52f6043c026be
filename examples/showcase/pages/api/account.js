export const config = { runtime: 'edge' };

export default function handler(request) {
  return Response.json({ signedIn: request.cookies.has('session') });
}
