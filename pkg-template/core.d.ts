export * from "../types/core.js";
