/**
 * Connect to dataaccess from Node: one channel (TLS or mTLS or plaintext, with the
 * recommended service config) shared by a client per service, a bearer credential sent on
 * every call, and `call()` to await a unary RPC. Types come from src/generated/ (run
 * `make proto`); the runtime loads the .proto copies shipped in proto/.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

import type { ProtoGrpcType as AnalyticsProto } from "./generated/analytics";
import type { ProtoGrpcType as APIKeysProto } from "./generated/api_keys";
import type { ProtoGrpcType as AuditProto } from "./generated/audit";
import type { ProtoGrpcType as CacheProto } from "./generated/cache";
import type { ProtoGrpcType as ConfigsProto } from "./generated/configs";
import type { AnalyticsServiceClient } from "./generated/dataaccess/v1/AnalyticsService";
import type { APIKeyServiceClient } from "./generated/dataaccess/v1/APIKeyService";
import type { AuditServiceClient } from "./generated/dataaccess/v1/AuditService";
import type { CacheServiceClient } from "./generated/dataaccess/v1/CacheService";
import type { ConfigServiceClient } from "./generated/dataaccess/v1/ConfigService";
import type { OAuthTokenServiceClient } from "./generated/dataaccess/v1/OAuthTokenService";
import type { OperationsServiceClient } from "./generated/dataaccess/v1/OperationsService";
import type { RequestLogServiceClient } from "./generated/dataaccess/v1/RequestLogService";
import type { UsageServiceClient } from "./generated/dataaccess/v1/UsageService";
import type { ProtoGrpcType as OAuthTokensProto } from "./generated/oauth_tokens";
import type { ProtoGrpcType as OperationsProto } from "./generated/operations";
import type { ProtoGrpcType as RequestLogsProto } from "./generated/request_logs";
import type { ProtoGrpcType as UsageProto } from "./generated/usage";

export * as grpc from "@grpc/grpc-js";

/** The package's root: dist/ and src/ both sit one level below it. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..");
/** The .proto copies `scripts/proto.sh generate` keeps in step with the repository's. */
export const PROTO_DIR = path.join(PACKAGE_ROOT, "proto");
/** The recommended service config: retries UNAVAILABLE on idempotent methods only. */
export const SERVICE_CONFIG_PATH = path.join(PACKAGE_ROOT, "service_config.json");

/** Must match the flags proto.sh gives proto-loader-gen-types, or the types would lie:
 * proto field names, int64 as decimal strings, enums by name, defaults filled in. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

const PROTO_FILES = [
  "dataaccess/v1/analytics.proto",
  "dataaccess/v1/api_keys.proto",
  "dataaccess/v1/audit.proto",
  "dataaccess/v1/cache.proto",
  "dataaccess/v1/configs.proto",
  "dataaccess/v1/oauth_tokens.proto",
  "dataaccess/v1/operations.proto",
  "dataaccess/v1/request_logs.proto",
  "dataaccess/v1/usage.proto",
];

type Proto = AnalyticsProto &
  APIKeysProto &
  AuditProto &
  CacheProto &
  ConfigsProto &
  OAuthTokensProto &
  OperationsProto &
  RequestLogsProto &
  UsageProto;

let loaded: Proto | undefined;

/** The loaded package definitions (parsed once per process). */
export function proto(): Proto {
  loaded ??= grpc.loadPackageDefinition(
    protoLoader.loadSync(PROTO_FILES, LOADER_OPTIONS),
  ) as unknown as Proto;
  return loaded;
}

export interface ConnectOptions {
  /** A dataaccess caller credential (`dac_…`), sent as `authorization: Bearer …`. */
  bearerToken?: string;
  /** PEM file of the CA that issued the server's certificate: TLS when set. */
  caFile?: string;
  /** PEM client certificate and key for mTLS (both or neither; needs `caFile` or `tls`). */
  certFile?: string;
  keyFile?: string;
  /** TLS trusting the system roots (implied by `caFile`). */
  tls?: boolean;
  /** The name the server's certificate must carry, when it is not the target's host. */
  serverName?: string;
  /** The deadline of a call given none, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** More channel options; they win over the defaults set here. */
  channelOptions?: grpc.ChannelOptions;
}

/** A client per service, all on one channel. */
export interface DataAccessClient {
  readonly apiKeys: APIKeyServiceClient;
  readonly oauthTokens: OAuthTokenServiceClient;
  readonly usage: UsageServiceClient;
  readonly requestLogs: RequestLogServiceClient;
  readonly analytics: AnalyticsServiceClient;
  readonly audit: AuditServiceClient;
  readonly cache: CacheServiceClient;
  readonly configs: ConfigServiceClient;
  readonly operations: OperationsServiceClient;
  readonly channel: grpc.Channel;
  /** Close the channel (every client's). */
  close(): void;
}

/** The channel credentials `options` ask for: insecure unless a CA, `tls` or a client
 * certificate is given. A certificate without its key (or the reverse) is an error. */
export function channelCredentials(options: ConnectOptions = {}): grpc.ChannelCredentials {
  const { caFile, certFile, keyFile } = options;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new Error("certFile and keyFile: give both (mTLS) or neither");
  }
  if (caFile === undefined && !options.tls && certFile === undefined) {
    return grpc.credentials.createInsecure();
  }
  const read = (file: string | undefined): Buffer | null =>
    file === undefined ? null : fs.readFileSync(file);
  return grpc.credentials.createSsl(read(caFile), read(keyFile), read(certFile));
}

/** An interceptor that sends `token` as a bearer credential and gives every call without
 * a deadline one of `timeoutMs`. An interceptor, not call credentials: grpc-js refuses
 * call credentials on an insecure channel, and a plaintext hop to a sidecar is common. */
function callDefaults(token: string | undefined, timeoutMs: number): grpc.Interceptor {
  return (options, nextCall) => {
    const deadline = options.deadline ?? new Date(Date.now() + timeoutMs);
    return new grpc.InterceptingCall(nextCall({ ...options, deadline }), {
      start(metadata, listener, next) {
        if (token !== undefined) {
          metadata.set("authorization", `Bearer ${token}`);
        }
        next(metadata, listener);
      },
    });
  };
}

/** Connect to `target` (`host:port`). Nothing is dialled until the first call. */
export function connect(target: string, options: ConnectOptions = {}): DataAccessClient {
  const channelOptions: grpc.ChannelOptions = {
    "grpc.service_config": fs.readFileSync(SERVICE_CONFIG_PATH, "utf8"),
    ...(options.serverName === undefined
      ? {}
      : {
          "grpc.ssl_target_name_override": options.serverName,
          "grpc.default_authority": options.serverName,
        }),
    ...options.channelOptions,
  };
  const channel = new grpc.Channel(target, channelCredentials(options), channelOptions);
  const clientOptions: grpc.ClientOptions = {
    channelOverride: channel,
    interceptors: [callDefaults(options.bearerToken, options.timeoutMs ?? 10_000)],
  };
  const v1 = proto().dataaccess.v1;
  const insecure = grpc.credentials.createInsecure(); // unused: channelOverride decides
  return {
    apiKeys: new v1.APIKeyService(target, insecure, clientOptions),
    oauthTokens: new v1.OAuthTokenService(target, insecure, clientOptions),
    usage: new v1.UsageService(target, insecure, clientOptions),
    requestLogs: new v1.RequestLogService(target, insecure, clientOptions),
    analytics: new v1.AnalyticsService(target, insecure, clientOptions),
    audit: new v1.AuditService(target, insecure, clientOptions),
    cache: new v1.CacheService(target, insecure, clientOptions),
    configs: new v1.ConfigService(target, insecure, clientOptions),
    operations: new v1.OperationsService(target, insecure, clientOptions),
    channel,
    close: () => channel.close(),
  };
}

/** A unary method's simplest generated overload, from which its types are read. */
type UnaryMethod<Req, Res> = (
  argument: Req,
  callback: grpc.requestCallback<Res>,
) => grpc.ClientUnaryCall;
/** The names of `C`'s unary methods. */
export type UnaryMethodName<C> = {
  [K in keyof C]: C[K] extends UnaryMethod<any, any> ? K : never;
}[keyof C] &
  string;
export type RequestOf<F> = F extends UnaryMethod<infer Req, any> ? Req : never;
export type ResponseOf<F> = F extends UnaryMethod<any, infer Res> ? Res : never;

/** Call a unary method and await its answer; the promise rejects with the call's
 * `grpc.ServiceError` (its `code` is a `grpc.status`). */
export function call<C extends grpc.Client, K extends UnaryMethodName<C>>(
  client: C,
  method: K,
  request: RequestOf<C[K]>,
  options: grpc.CallOptions = {},
): Promise<ResponseOf<C[K]>> {
  const invoke = client[method] as unknown as (
    this: C,
    argument: RequestOf<C[K]>,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<ResponseOf<C[K]>>,
  ) => grpc.ClientUnaryCall;
  return new Promise((resolve, reject) => {
    invoke.call(client, request, new grpc.Metadata(), options, (error, response) => {
      if (error) {
        reject(error);
      } else {
        resolve(response as ResponseOf<C[K]>);
      }
    });
  });
}
