// The React contexts Switchyard's next/* modules share between the server renderer and the
// client runtime. One module, so every bundle that imports them holds one copy of each.

import React from 'react';

/** The router of the page (`useRouter()`, `withRouter`, `next/link`). */
export const RouterContext = React.createContext(null);

/** Where `next/head` sends its elements: the server collects them, the client applies them. */
export const HeadManagerContext = React.createContext(null);

/** What `next/document`'s components render from (the server renderer's). */
export const HtmlContext = React.createContext(null);
