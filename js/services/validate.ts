/**
 * The Service API's input checks (ADR-32): service, endpoint and control-subject names, endpoint
 * subjects, group prefixes, and the semver version. Each failure is a NatsError INVALID_OPTION
 * whose message is nats.deno's.
 *
 * Must not: subscribe or publish, or check anything the server checks anyway (queue names are
 * checked as names, as nats.deno does, and nothing more).
 */
import { ErrorCode, NatsError } from "../errors.ts";

const bad = (message: string) => new NatsError(message, ErrorCode.InvalidOption);

/** A name: one or more of `A-Z a-z 0-9 _ -`. */
const NAME = /^[-\w]+$/;
/**
 * A version holds `major.minor.patch` (nats.deno's parseSemVer: a prefix or a suffix such as
 * `v1.2.3-rc.1` is accepted).
 */
const SEMVER = /\d+\.\d+\.\d+/;

/** Throws unless `name` is a non-empty `^[-\w]+$`; `context` names the field in the message. */
export function validateName(context: string, name: unknown): void {
  if (name === "" || name === undefined || name === null) {
    throw bad(`${context} name required`);
  }
  if (typeof name !== "string") throw bad(`${context} name must be a string`);
  if (!NAME.test(name)) {
    const c = [...name].find((ch) => !NAME.test(ch));
    throw bad(`invalid ${context} name - ${context} name cannot contain '${c}'`);
  }
}

/** Throws unless `version` parses as semver. */
export function validateVersion(version: unknown): void {
  if (typeof version !== "string" || !SEMVER.test(version)) {
    throw bad(`'${version ?? ""}' is not a semver value`);
  }
}

/** An endpoint subject: not empty, no spaces, `>` only as the last token. */
export function validateSubject(context: string, subj: unknown): void {
  if (typeof subj !== "string") throw bad(`${context} must be a string`);
  if (subj === "") throw bad(`${context} cannot be empty`);
  if (subj.includes(" ")) throw bad(`${context} cannot contain spaces: '${subj}'`);
  const tokens = subj.split(".");
  if (tokens.slice(0, -1).includes(">")) {
    throw bad(`${context} cannot have internal '>': '${subj}'`);
  }
}

/** A group prefix: may be empty; no spaces and no `>` token. */
export function validateGroup(context: string, subj: unknown): void {
  if (typeof subj !== "string") throw bad(`${context} must be a string`);
  if (subj.includes(" ")) throw bad(`${context} cannot contain spaces: '${subj}'`);
  if (subj.split(".").includes(">")) {
    throw bad(`${context} name cannot contain internal '>': '${subj}'`);
  }
}
