// Vendor knowledge as data: what a server says (its error code, error_description, the
// URN in its error_uri, its WWW-Authenticate challenge, the text of its error page) and
// which finding that wording proves. Each row cites where the wording was seen.

export interface VendorPhrase {
  vendor: string;
  /** Matched against the server's words (serverWords in rule.ts): error, error_description, decoded error_uri, challenge, page text. */
  match: RegExp;
  /** The finding id this wording proves. */
  findingId: string;
  /** What it means, in a few words (quoted in the finding's detail). */
  meaning: string;
  /** Where the wording was seen (public documentation, an issue, a forum post). */
  seenAt: string;
}
