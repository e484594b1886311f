// client_secret_post (RFC 6749 §2.3.1): client_id and client_secret as form parameters in the body.
export function clientSecretPostAuth(clientId: string, secret: string): { headers: Record<string, string>; params: Record<string, string> } {
  return { headers: {}, params: { client_id: clientId, client_secret: secret } };
}
