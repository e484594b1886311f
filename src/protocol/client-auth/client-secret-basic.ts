// client_secret_basic (RFC 6749 §2.3.1): id and secret are application/x-www-form-urlencoded
// first, then joined with ":" and base64-encoded into "Authorization: Basic".
function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

export function basicCredentials(clientId: string, secret: string): string {
  return Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`, 'utf8').toString('base64');
}

export function clientSecretBasicAuth(clientId: string, secret: string): { headers: Record<string, string>; params: Record<string, string> } {
  return { headers: { authorization: `Basic ${basicCredentials(clientId, secret)}` }, params: {} };
}
