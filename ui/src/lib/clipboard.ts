// Copies text for the user (official hotlines, letters); reports failure instead of pretending.
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
