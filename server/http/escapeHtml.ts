/** Text as HTML that stays text: every character that could open a tag or end an attribute, as an entity. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
