// The tools check signatures with the simulator's node:crypto checker (host-sim/crypt), one
// implementation for both rooms; this name stays for the tools' imports.
export * from '../../host-sim/crypt/node-checker';
