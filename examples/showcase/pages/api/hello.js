export const config = { runtime: 'edge' };

export default function handler() {
  return new Response(`Hello from the ${process.env.NEXT_RUNTIME} runtime!\n`);
}
