/**
 * The studio's login page: one form asking for the key (no user value is ever put in it).
 */

/** Which login page to show: asking for the key, after a wrong one, or none needed. */
export type LoginState = 'ask' | 'wrong' | 'open';

const MESSAGES: Readonly<Record<LoginState, string>> = {
  ask: 'This studio is behind a key. Enter it to continue.',
  wrong: 'That key is not right. Try again.',
  open: 'This studio needs no key.',
};

/**
 * The login page's HTML: a POST form to `/studio/login`.
 *
 * @example
 * reply.type('text/html').send(loginPage('ask'));
 */
export function loginPage(state: LoginState): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mlsweep studio: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/studio.css"></head>
<body class="login"><main data-page="login">
<h1>mlsweep studio</h1>
<p role="${state === 'wrong' ? 'alert' : 'status'}">${MESSAGES[state]}</p>
${
  state === 'open'
    ? '<p><a href="/studio/">Open the studio</a></p>'
    : `<form method="post" action="/studio/login">
<label for="key">Key</label> <input id="key" name="key" type="password" autocomplete="current-password" autofocus required>
<button type="submit">Log in</button></form>`
}
</main></body></html>
`;
}
