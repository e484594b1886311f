// The sandbox's state, in memory: pending authorizations (between the login,
// patient and consent pages), authorization codes, access and refresh tokens,
// client-assertion jti values seen, EHR launch contexts and login sessions.
// Everything expires; expired entries are swept as new ones are written.
import { randomBytes } from 'node:crypto';
import type { AccessGrant } from './types.js';

export function newId(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** An EHR launch: the context the EHR simulator handed to an app as `launch`. */
export interface LaunchContext {
  patient?: string | undefined;
  encounter?: string | undefined;
  userId?: string | undefined;
  exp: number;
}

/** A validated authorize request. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state?: string | undefined;
  nonce?: string | undefined;
  codeChallenge: string;
  /** The scopes the server is willing to grant for it (registration, --scopes and faults applied). */
  grantable: string[];
  /** The EHR launch it belongs to; undefined for a standalone launch. */
  launch?: LaunchContext | undefined;
}

export interface PendingAuthorization {
  request: AuthorizationRequest;
  userId?: string | undefined;
  patient?: string | undefined;
  /** Whether the patient picker must still run (standalone launch/patient, practitioner user). */
  needsPatient: boolean;
  authTime?: number | undefined;
  exp: number;
}

/** What a code, a refresh token and an access token carry alike. */
export interface GrantContext {
  clientId: string;
  scope: string[];
  userId?: string | undefined;
  fhirUser?: string | undefined;
  patient?: string | undefined;
  encounter?: string | undefined;
  needPatientBanner: boolean;
  authTime?: number | undefined;
}

export interface CodeRecord extends GrantContext {
  redirectUri: string;
  codeChallenge: string;
  nonce?: string | undefined;
  exp: number;
  used: boolean;
  /** Tokens issued from this code, revoked if the code is replayed (RFC 6749 §4.1.2). */
  issued: string[];
}

export interface AccessTokenRecord extends AccessGrant {
  iat: number;
  userId?: string | undefined;
  /** The refresh token this access token came with or from. */
  refreshToken?: string | undefined;
}

export interface RefreshTokenRecord extends GrantContext {
  exp: number;
  /** Access tokens issued with it: revoked with it (RFC 7009 §2.1). */
  accessTokens: string[];
}

export interface LoginSession {
  userId: string;
  authTime: number;
  exp: number;
}

const SWEEP_EVERY = 2000;

export class ExpiringMap<V extends { exp: number }> {
  private readonly map = new Map<string, V>();
  private writes = 0;

  /** `keepUntil` says how long an entry stays readable by peek (default: its exp). */
  constructor(
    private readonly now: () => number,
    private readonly keepUntil: (value: V) => number = (v) => v.exp,
  ) {}

  set(key: string, value: V): void {
    this.map.set(key, value);
    if (++this.writes % SWEEP_EVERY === 0) this.sweep();
  }

  /** The entry, or undefined when missing or expired. */
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    if (v.exp <= this.now()) {
      if (this.keepUntil(v) <= this.now()) this.map.delete(key);
      return undefined;
    }
    return v;
  }

  /** The entry even if expired, until keepUntil. */
  peek(key: string): V | undefined {
    const v = this.map.get(key);
    return v === undefined || this.keepUntil(v) <= this.now() ? undefined : v;
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, v] of this.map) if (this.keepUntil(v) <= now) this.map.delete(k);
  }
}

/** Lifetimes, seconds. */
export const LIFETIME = {
  code: 120,
  accessToken: 3600,
  refreshToken: 24 * 3600,
  launch: 600,
  pending: 900,
  session: 8 * 3600,
  /** Expired access tokens are remembered this long so the FHIR API can say "expired". */
  expiredTokenMemory: 3600,
} as const;

export class SandboxStore {
  readonly pending: ExpiringMap<PendingAuthorization>;
  readonly codes: ExpiringMap<CodeRecord>;
  readonly accessTokens: ExpiringMap<AccessTokenRecord>;
  readonly refreshTokens: ExpiringMap<RefreshTokenRecord>;
  readonly launches: ExpiringMap<LaunchContext>;
  readonly sessions: ExpiringMap<LoginSession>;
  /** client_id + " " + jti -> the assertion's exp (RFC 7523 §3: no replay). */
  readonly jtis: ExpiringMap<{ exp: number }>;

  constructor(readonly nowSeconds: () => number) {
    this.pending = new ExpiringMap(nowSeconds);
    this.codes = new ExpiringMap(nowSeconds);
    this.accessTokens = new ExpiringMap(nowSeconds, (v) => v.exp + LIFETIME.expiredTokenMemory);
    this.refreshTokens = new ExpiringMap(nowSeconds);
    this.launches = new ExpiringMap(nowSeconds);
    this.sessions = new ExpiringMap(nowSeconds);
    this.jtis = new ExpiringMap(nowSeconds);
  }

  /** For the FHIR API: the grant behind a bearer token, expired ones included; undefined when unknown or revoked. */
  lookupAccessToken(token: string): AccessGrant | undefined {
    const r = this.accessTokens.peek(token);
    if (r === undefined) return undefined;
    return { clientId: r.clientId, scope: r.scope, patient: r.patient, encounter: r.encounter, fhirUser: r.fhirUser, exp: r.exp };
  }

  issueAccessToken(record: AccessTokenRecord): string {
    const token = newId(32);
    this.accessTokens.set(token, record);
    return token;
  }
}
