/**
 * `@tokengate/test-support`: what tokengate's own test suites share (not published).
 * @packageDocumentation
 */
export {};
