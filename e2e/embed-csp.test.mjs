// The embedding tests (e2e/embed-suite.mjs) on the csp host page (e2e/embed-page.mjs).
import { embeddingSuite } from './embed-suite.mjs';

embeddingSuite('csp');
