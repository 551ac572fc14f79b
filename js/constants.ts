/**
 * Named constants of the public API: the service error header names.
 *
 * Must not: hold anything but constants.
 */

/** Header carrying a service error description. */
export const ServiceErrorHeader = "Nats-Service-Error";
/** Header carrying a service error code. */
export const ServiceErrorCodeHeader = "Nats-Service-Error-Code";
