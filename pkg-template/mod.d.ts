export * from "./types/mod.js";
