// A real OpenID Connect provider for Fotfeste's sign-in tests: panva's oidc-provider
// (OpenID-certified), run as its own process on 127.0.0.1. Everything it serves is the
// library's own (discovery, JWKS, authorization, token, userinfo, end session); this file only
// gives it its clients, its accounts and a plain sign-in form in place of a real login page.
//
//   node op.mjs config.json
//
// config.json: {"port": 41234, "jwks": {"keys": [<private RSA JWK>]},
//   "clients": [{"client_id", "client_secret", "redirect_uris": [...]}],
//   "accounts": {"<login>": {"claims": {...}, "disabled": false}},
//   "endSession": true}   (false: no end_session_endpoint, as a provider without logout)
// The form takes a login and a "second factor" box: the ID token's amr is ["pwd", "mfa"]
// when it is ticked, ["pwd"] when not. A disabled account is refused at the form, as a
// provider refuses a closed account. Prints "ready" once it listens.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { URLSearchParams } from 'node:url';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    ...client,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    post_logout_redirect_uris: client.post_logout_redirect_uris || [],
  })),
  jwks: config.jwks,
  cookies: { keys: ['fotfeste-test-op-cookie-key'] },
  claims: {
    acr: null,
    amr: null,
    auth_time: null,
    iss: null,
    sid: null,
    // amr in every ID token, as Entra ID gives it.
    openid: ['sub', 'tid', 'oid', 'groups', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // As Entra ID does: the scopes' claims in the ID token too, not only from userinfo.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: config.endSession !== false },
  },
  pkce: { required: () => true },
  ttl: { IdToken: 300, AccessToken: 300, Session: 600, Interaction: 600, Grant: 600 },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
  },
  // First-party: no consent screen; the grant holds what Fotfeste asks for.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Error</title><h1>${escape(out.error)}</h1>`
      + `<p id="error">${escape(out.error_description || '')}</p>`;
  },
});

function page(uid, message) {
  return `<!doctype html><title>Test provider sign-in</title>
<h1>Test provider</h1>${message ? `<p id="error">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label>Login <input name="login" autofocus></label>
<label><input type="checkbox" name="mfa" value="1"> Second factor</label>
<button type="submit">Sign in</button></form>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(page(uid));
    return;
  }
  const form = await readForm(req);
  const login = form.get('login') || '';
  const account = config.accounts[login];
  if (!account || account.disabled) {
    const message = account ? 'This account is disabled.' : 'Unknown account.';
    res.writeHead(200, { 'content-type': 'text/html' }).end(page(uid, message));
    return;
  }
  const amr = form.get('mfa') ? ['pwd', 'mfa'] : ['pwd'];
  const result = { login: { accountId: login, amr, remember: false } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  void details;
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const match = req.url.match(/^\/interaction\/([\w-]+)$/);
  if (!match) {
    callback(req, res);
    return;
  }
  interaction(req, res, match[1]).catch((error) => {
    res.writeHead(400, { 'content-type': 'text/html' }).end(`<p id="error">${escape(error.message)}</p>`);
  });
});
server.listen(config.port, '127.0.0.1', () => process.stdout.write('ready\n'));
