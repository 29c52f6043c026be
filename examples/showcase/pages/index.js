export default function Home() {
  return <h1>Switchyard showcase</h1>;
}
