// The user's cache folder for smartctl (the sandbox keeps its id_token signing key
// there): $XDG_CACHE_HOME/smartctl when XDG_CACHE_HOME is an absolute path, else the
// platform's cache folder under home (~/.cache, ~/Library/Caches, %LOCALAPPDATA%).
import path from 'node:path';

export function userCacheDir(env: Readonly<Record<string, string | undefined>>, home: string, platform: string): string {
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'smartctl');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'smartctl');
  if (platform === 'win32') return path.join(env['LOCALAPPDATA'] ?? path.join(home, 'AppData', 'Local'), 'smartctl', 'Cache');
  return path.join(home, '.cache', 'smartctl');
}
