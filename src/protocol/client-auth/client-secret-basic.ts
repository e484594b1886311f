// client_secret_basic (RFC 6749 §2.3.1): id and secret are application/x-www-form-urlencoded
// first, then joined with ":" and base64-encoded into "Authorization: Basic".
// A lone surrogate (which encodeURIComponent refuses with a URIError) becomes U+FFFD, as
// URLSearchParams does for client_secret_post.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function formEncode(s: string): string {
  return encodeURIComponent(s.replace(LONE_SURROGATE, '\ufffd')).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

export function basicCredentials(clientId: string, secret: string): string {
  return Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`, 'utf8').toString('base64');
}

export function clientSecretBasicAuth(clientId: string, secret: string): { headers: Record<string, string>; params: Record<string, string> } {
  return { headers: { authorization: `Basic ${basicCredentials(clientId, secret)}` }, params: {} };
}
