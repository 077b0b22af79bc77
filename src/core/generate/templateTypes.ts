import type { Document } from 'yaml';

/**
 * The data model of a topology template. A template is a YAML file: a header document
 * (`kind: Template`) declaring parameters, followed by ordinary Kubernetes documents with
 * `${parameter}` placeholders. Presets are files, not code; docs/templates.md describes the format.
 */

export const TEMPLATE_API_VERSION = 'kube-topology.io/v1alpha1';
export const TEMPLATE_KIND = 'Template';

export type ParameterType = 'string' | 'integer' | 'enum' | 'boolean';
export type ParameterValue = string | number | boolean;
export type ParameterValues = Record<string, ParameterValue>;

export interface ParameterChoice {
  value: string;
  description?: string;
  /** Shown (and preselected by the editor) when the current kube context is a kind cluster. */
  recommendedOnKind?: boolean;
}

export interface TemplateParameter {
  /** Identifier used in placeholders and `--set name=value`. */
  name: string;
  type: ParameterType;
  /** May itself contain `${other}` placeholders (string parameters), resolved in declaration order. */
  default: ParameterValue;
  /** Short question shown by the editor's input box; falls back to the description. */
  prompt?: string;
  description?: string;
  /** Regular expression a string value must match (whole value; anchors are added if missing). */
  pattern?: string;
  /** Said when the pattern does not match, e.g. "lowercase letters, digits and '-'". */
  patternMessage?: string;
  minimum?: number;
  maximum?: number;
  /** Allowed values of an `enum` parameter. */
  choices?: ParameterChoice[];
  /** The parameter is only asked (and only used) when this expression is true. */
  when?: string;
  /** Groups parameters in listings and in the editor's form (groups appear in declaration order). */
  group?: string;
  /**
   * One of the few questions most people answer (name, images, how it is reached): the editor's
   * quick input asks only these, and its form shows them first with the rest folded.
   */
  essential?: boolean;
}

export interface TemplateConstraint {
  /** Expression that must be true for the values to be accepted, e.g. `minReplicas <= maxReplicas`. */
  check: string;
  message: string;
  /** Parameter the message is about (the editor shows it on that step). */
  parameter?: string;
}

export interface TemplateNote {
  when?: string;
  /** Text with placeholders; shown after generating (CLI stderr, editor notification). */
  text: string;
}

export interface TemplateOutput {
  /** File name of the one-file layout; placeholders allowed. */
  singleFile: string;
  /** Prefix of per-resource file names (`<prefix>-<kind>-<name>.yaml`); placeholders allowed. */
  prefix: string;
}

export interface Template {
  name: string;
  title: string;
  description: string;
  parameters: TemplateParameter[];
  constraints: TemplateConstraint[];
  notes: TemplateNote[];
  output: TemplateOutput;
  /** Kubernetes documents with placeholders, exactly as written in the template file. */
  body: Document.Parsed[];
  /** Where the template came from (a path or URI string). */
  source: string;
  builtIn: boolean;
}

/** A problem in a template file (not in the user's values). */
export class TemplateError extends Error {
  constructor(
    readonly source: string,
    /** The problem without the location. */
    readonly detail: string,
    /** 1-based line in the template file, when known. */
    readonly line?: number,
  ) {
    super(`${source}${line !== undefined ? `:${line}` : ''}: ${detail}`);
  }
}

/** A problem with a value the user gave (or a constraint between values). */
export interface ValueProblem {
  /** The parameter the problem is about; undefined for an unknown key that matched nothing. */
  parameter: string;
  message: string;
}

export interface GeneratedFile {
  /** Relative to the output folder (or prefixed with `directory` when one was given), `/`-separated. */
  path: string;
  text: string;
}

export type OutputLayout = 'single' | 'per-resource';
