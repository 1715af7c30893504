import vm from 'node:vm';
import { type Emulator, startEmulator } from '../index';
import { CHAT_PAGE_HTML } from './chat-page';

describe('chat page', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator();
  });
  afterEach(() => emu.close());

  it('is served at / as one self-contained HTML page with the composer', async () => {
    const res = await fetch(`${emu.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toBe(CHAT_PAGE_HTML);
    for (const id of [
      'composer',
      'send',
      'messages',
      'draft',
      'typing',
      'bot-select',
      'chat-select',
      'new-chat',
      'attach',
      'file-input',
      'speak',
    ]) {
      expect(html).toContain(`id="${id}" data-testid="${id}"`);
    }
    // No external assets: no src/href to other origins, no stylesheet links.
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link/);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('has a script that compiles and never writes data through innerHTML', () => {
    const script = /<script>([\s\S]*)<\/script>/.exec(CHAT_PAGE_HTML)?.[1] ?? '';
    expect(script.length).toBeGreaterThan(1000);
    expect(() => new vm.Script(script)).not.toThrow();
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    // It uses the control API and the event stream.
    expect(script).toContain("'/messages'");
    expect(script).toContain("fetch('/_emulator/media'");
    expect(script).toContain("api('POST', '/media'");
    expect(script).toContain("'/_emulator/files/'");
    expect(script).toContain("new EventSource('/_emulator/events?bot_id='");
  });
});
