import { NextResponse } from 'next/server';

// Runs on the Edge runtime in front of every matching request.
export function middleware(request) {
  const { pathname } = request.nextUrl;

  // An auth-style check: /api/account needs a session cookie, else it's off to /api/login.
  if (pathname === '/api/account' && !request.cookies.has('session')) {
    const login = request.nextUrl.clone();
    login.pathname = '/api/login';
    login.searchParams.set('next', pathname);
    return NextResponse.redirect(login);
  }

  // A friendly URL served by an API route; the browser keeps seeing /hi.
  if (pathname === '/hi') {
    const url = request.nextUrl.clone();
    url.pathname = '/api/hello';
    return NextResponse.rewrite(url);
  }

  // Everything else continues, with a header saying middleware saw it.
  const response = NextResponse.next();
  response.headers.set('x-showcase-middleware', 'seen');
  return response;
}

export const config = {
  matcher: ['/hi', '/api/:path*'],
};
