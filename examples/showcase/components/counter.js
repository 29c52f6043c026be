import { useState } from 'react';

/** Works only once the page is hydrated in the browser. */
export default function Counter() {
  const [count, setCount] = useState(0);
  return (
    <button id="counter" onClick={() => setCount(count + 1)}>
      clicked {count} times
    </button>
  );
}
