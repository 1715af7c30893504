/**
 * Whether a model takes image input, by a configured list of names or patterns (`*` matches any
 * run of characters): `['gpt-4o*', 'gpt-4.1*', '*vision*', 'llava*']`. Names are matched exactly
 * (model ids are case-sensitive); an empty list means no model sees images. The LLM simulator's
 * `visionModels` option uses the same rule.
 */
export function modelSeesImages(model: string, list: readonly string[]): boolean {
  return list.some((pattern) => {
    const trimmed = pattern.trim();
    if (trimmed === '') return false;
    const re = new RegExp(`^${trimmed.split('*').map(escapeRegExp).join('.*')}$`);
    return re.test(model);
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
