/**
 * JwtAuthenticator: a token signed per request (PyJWT's encoding: sorted compact header, compact payload,
 * base64url without padding) with HS*, RS*, PS* or ES* algorithms from node:crypto.
 */
import { createHmac, createPrivateKey, sign, constants } from 'node:crypto';
import { evalMapping, evalString } from '../jinja/interpolation';
import { pyStr } from '../jinja/values';
import { TracedError } from '../protocol';
import { type Build, type Node, params } from './build';

const b64url = (buf: Buffer): string => buf.toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

function compact(v: unknown): string {
  // json.dumps(separators=(",", ":")) — ASCII-escaped like Python.
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function signature(alg: string, key: string, data: string): Buffer {
  const bits = alg.slice(2);
  const hash = `sha${bits}`;
  if (alg.startsWith('HS')) return createHmac(hash, key).update(data).digest();
  const privateKey = createPrivateKey(key);
  if (alg.startsWith('RS')) return sign(hash, Buffer.from(data), privateKey);
  if (alg.startsWith('PS')) return sign(hash, Buffer.from(data), { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 });
  if (alg.startsWith('ES')) return sign(hash === 'sha512' ? 'sha512' : hash, Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  throw new TracedError(`JwtAuthenticator algorithm ${alg} is not supported`, undefined, 'config_error');
}

/** Returns the value of the Authorization header (prefix + signed token), computed at each call. */
export function jwtToken(b: Build, node: Node): () => string {
  const p = params(node);
  const ev = (v: unknown): string => pyStr(evalString(v, b.config, {}, p));
  return () => {
    const alg = ev(node.algorithm ?? 'HS256');
    const jwtHeaders = (node.jwt_headers as Node | undefined) ?? {};
    const jwtPayload = (node.jwt_payload as Node | undefined) ?? {};
    const extraHeaders = node.additional_jwt_headers ? evalMapping(node.additional_jwt_headers as Node, b.config, {}, p) : {};
    const extraPayload = node.additional_jwt_payload ? evalMapping(node.additional_jwt_payload as Node, b.config, {}, p) : {};
    if (['kid', 'alg', 'typ', 'cty'].some((k) => k in extraHeaders)) {
      throw new TracedError("'kid', 'alg', 'typ', 'cty' are reserved headers and should not be set as part of 'additional_jwt_headers'", undefined, 'config_error');
    }
    if (['iss', 'sub', 'aud'].some((k) => k in extraPayload)) {
      throw new TracedError("'iss', 'sub', 'aud' are reserved properties and should not be set as part of 'additional_jwt_payload'", undefined, 'config_error');
    }
    const header: Record<string, unknown> = { typ: 'JWT', alg, ...extraHeaders };
    for (const k of ['kid', 'typ', 'cty']) if (jwtHeaders[k]) header[k] = ev(jwtHeaders[k]);
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = { ...extraPayload };
    for (const k of ['iss', 'sub', 'aud']) if (jwtPayload[k]) payload[k] = ev(jwtPayload[k]);
    payload.iat = now;
    payload.exp = now + (node.token_duration === undefined ? 1200 : Number(node.token_duration));
    payload.nbf = now;
    let key = ev(node.secret_key);
    b.rt.scrubber.add(key);
    if (node.base64_encode_secret_key === true) key = Buffer.from(key, 'utf8').toString('base64');
    const sortedHeader = Object.fromEntries(Object.keys(header).sort().map((k) => [k, header[k]]));
    const data = `${b64url(Buffer.from(compact(sortedHeader)))}.${b64url(Buffer.from(compact(payload)))}`;
    const token = `${data}.${b64url(signature(alg, key, data))}`;
    const prefix = node.header_prefix ? ev(node.header_prefix) : '';
    return prefix ? `${prefix} ${token}` : token;
  };
}
