export { createDefaultEngine as createEngine } from '../../src/core/graph/layout/defaultEngine';
