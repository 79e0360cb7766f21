// Release tests use the project's throwaway repositories (test/support): branch main, local identity, no signing.
export { gitRepo, type TestRepo } from '../../../test/support';
