/**
 * Topology generation: templates are YAML files (presets in `templates/`, the user's in
 * `.kube-topology/templates/`), rendered into Kubernetes YAML returned as data. Pure: no
 * `vscode`, and no file access except through the callbacks the caller passes in.
 */
export * from './templateTypes';
export { parseTemplate, WHEN_KEY, VALUE_KEY } from './templateParser';
export { resolveValues, coerceValue, describeAllowed, defaultFor, isActive, checkConstraints, wholeValuePattern, type ResolvedValues } from './parameters';
export { renderDocuments, renderFiles, renderNotes, findExistingFiles, type RenderedDocument, type RenderOptions } from './render';
export {
  loadTemplates,
  findBuiltInTemplatesDir,
  WORKSPACE_TEMPLATES_DIR,
  type TemplateFileAccess,
  type TemplateDirectory,
  type LoadedTemplates,
} from './templateLoader';
export {
  formLayout,
  evaluateForm,
  essentialParameters,
  kindRecommendations,
  DEFAULT_GROUP,
  type FormLayout,
  type FormField,
  type FormGroup,
  type FormChoice,
  type FieldState,
  type FormEvaluation,
  type FormProblem,
} from './form';
export { isKubeTopologyTemplate } from './templateDetect';
export { parseExpression, conditionHolds, ExpressionError } from './expression';
export { interpolate, placeholdersIn } from './placeholders';
