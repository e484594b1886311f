// Public clients do not authenticate: client_id goes in the form body (RFC 6749 §2.3; SMART public apps).
export function noneAuth(clientId: string): { headers: Record<string, string>; params: Record<string, string> } {
  return { headers: {}, params: { client_id: clientId } };
}
