// The templates `kontinue new` scaffolds Function files from.
export { TEMPLATES, DEFAULT_TEMPLATE, templateFolder, renderTemplate } from "./template-catalogue.ts";
export type { Template, RenderedFile } from "./template-catalogue.ts";
