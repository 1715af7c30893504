/**
 * The schema validators of kubernetes-models ignore fields they do not know, as the Kubernetes
 * API server does (it drops them silently, so a misspelt `securityContxt` is simply lost). To
 * reject them, the object is wrapped in proxies that record which properties the validator
 * reads: a compiled JSON-schema validator reads every property its schema defines, and lists the
 * keys of maps whose values it checks (labels, resources). A property present in the object but
 * never read is unknown to the schema. An object the validator never looked into at all is
 * free-form (`x-kubernetes-preserve-unknown-fields`) and is not judged.
 */
interface Visit {
  path: string;
  keys: string[];
  read: Set<string>;
  enumerated: boolean;
}

export function trackReads(value: unknown): { proxy: unknown; unknownFields(): string[] } {
  const visits: Visit[] = [];
  const wrap = (v: unknown, path: string): unknown => {
    if (Array.isArray(v)) return v.map((item, i) => wrap(item, `${path}[${i}]`));
    if (v === null || typeof v !== 'object') return v;
    const visit: Visit = { path, keys: Object.keys(v), read: new Set(), enumerated: false };
    visits.push(visit);
    const target: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) target[k] = wrap(child, path === '' ? k : `${path}.${k}`);
    return new Proxy(target, {
      get(t, p, r) {
        if (typeof p === 'string') visit.read.add(p);
        return Reflect.get(t, p, r);
      },
      has(t, p) {
        if (typeof p === 'string') visit.read.add(p);
        return Reflect.has(t, p);
      },
      ownKeys(t) {
        visit.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
  };
  const proxy = wrap(value, '');
  return {
    proxy,
    unknownFields: () =>
      visits.flatMap((v) =>
        v.enumerated || v.read.size === 0
          ? []
          : v.keys.filter((k) => !v.read.has(k)).map((k) => (v.path === '' ? k : `${v.path}.${k}`)),
      ),
  };
}
