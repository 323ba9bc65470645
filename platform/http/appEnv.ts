// The Hono environment shared by every route module: what the auth middleware puts on the
// context. `orgId` is the organisation every query of the request is scoped to (DESIGN
// invariant 5); `kind` says whether an org API key or the operator's admin token made it.
export interface Principal {
  kind: 'api_key' | 'admin'
  /** The organisation of the request; null only for admin requests without an `organisation` header. */
  orgId: string | null
  /** The API key's id, for `api_key` principals. */
  keyId?: string
}

export interface AppEnv {
  Variables: {
    principal: Principal
  }
}
