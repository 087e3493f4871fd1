// Jest runs a global setup file once per run whatever the number of projects naming it (with the
// first project's configuration), so the e2e-nx24 project names its own file: the same setup,
// called with that project's NX_PDD_E2E_NX.
export { default } from './global-setup';
