// No runtime config: this route runs on Node.js, which Switchyard serves in a later release.
export default function handler(req, res) {
  res.status(200).send(`Hello from Node.js ${process.version}`);
}
