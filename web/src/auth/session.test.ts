import { describe, expect, it } from "vitest";

import { decodeClaims } from "./session";

const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const token = (claims: unknown) => `${encode({ alg: "RS256", kid: "k" })}.${encode(claims)}.signature`;

describe("decodeClaims", () => {
  const exp = Math.floor(Date.now() / 1000) + 600;

  it("reads roles at a dotted path, as an issuer's roles claim names them", () => {
    const claims = { sub: "olivia", exp, realm_access: { roles: ["ops", "other"] }, roles: ["admin"] };
    expect(decodeClaims(token(claims), "realm_access.roles")?.roles).toEqual(["ops", "other"]);
    expect(decodeClaims(token(claims))?.roles).toEqual(["admin"]);
    expect(decodeClaims(token(claims), "missing.roles")?.roles).toEqual([]);
  });

  it("reads a space-separated string of roles", () => {
    expect(decodeClaims(token({ sub: "u", exp, scope: "ops admin" }), "scope")?.roles).toEqual(["ops", "admin"]);
  });

  it("needs sub and exp", () => {
    expect(decodeClaims(token({ exp }))).toBeNull();
    expect(decodeClaims(token({ sub: "u" }))).toBeNull();
    expect(decodeClaims("not.a")).toBeNull();
  });
});
