/**
 * Object templates: Go text/template with sprig and kube-burner's functions (default), or Handlebars.
 * Others call `compileTemplate` / `renderTemplate`; everything else in this folder is internal.
 */
export { compileTemplate, renderTemplate, engineFor, isTemplateError, type TemplateEngine, type TemplateOptions, type CompiledTemplate } from './compile.js';
export { renderTemplateFile, type RenderFileOptions } from './render-file.js';
export { TemplateError } from './errors.js';
export { GoFloat, GoInt64 } from './go/values.js';
export { formatCount } from './limits.js';
