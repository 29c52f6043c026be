export const config = { runtime: 'edge' };

interface Echo {
  runtime: string;
  path: string;
  query: Record<string, string>;
}

export default function handler(request: Request): Response {
  const url = new URL(request.url);
  const body: Echo = {
    runtime: process.env.NEXT_RUNTIME ?? 'unknown',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
  };
  return Response.json(body);
}
