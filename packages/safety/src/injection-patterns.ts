/**
 * The prompt-injection heuristics: each rule is a pattern, the kind of attack it belongs to, and
 * a weight (how sure a match alone makes us, 0..1). Patterns run on normalised, lower-cased text
 * (see normalize.ts); `\b` here means a Unicode word boundary (the helper below rewrites it), so
 * the rules work for accented and non-Latin words too.
 *
 * How to add a rule: add a line to the corpus (corpus/injections.json) that today's rules miss,
 * add the narrowest pattern that catches it, and run `npx jest packages/safety`: the detection
 * rate must not drop and the benign messages must stay below the false-positive bound.
 */

export type InjectionCategory =
  | 'instruction_override'
  | 'roleplay_jailbreak'
  | 'prompt_extraction'
  | 'delimiter_injection'
  | 'obfuscation';

export interface InjectionRule {
  id: string;
  category: InjectionCategory;
  weight: number;
  pattern: RegExp;
  /** Rules for other languages only run on the plain normalised text, not on decoded variants. */
  multilingual?: boolean;
}

const WORD = '[\\p{L}\\p{N}_]';
/** Compiles a pattern whose `\b` means a Unicode word boundary. */
function u(source: string): RegExp {
  return new RegExp(source.replaceAll('\\b', `(?:(?<!${WORD})(?=${WORD})|(?<=${WORD})(?!${WORD}))`), 'mu');
}

const GAP = (max: number) => `[^.!?\\n]{0,${max}}`;
const OLD =
  '(?:previous|prior|above|earlier|preceding|all|any|every|your|the|these|those|initial|original|system|developer|existing|current|other)';
const ORDERS =
  '(?:instructions?|prompts?|rules?|directions?|guidelines?|commands?|constraints?|restrictions?|programming|guardrails?|polic(?:y|ies)|directives?|settings|safety|filters?)';
const SHOW =
  "(?:show|reveal|print|display|output|repeat|tell|give|share|disclose|leak|dump|write|spell|list|paste|copy|recite|echo|read|type|what(?:'s| is| are| was| were))";

export const INJECTION_RULES: readonly InjectionRule[] = [
  // Instruction override: the classic "ignore previous instructions".
  {
    id: 'ignore-instructions',
    category: 'instruction_override',
    weight: 0.9,
    pattern: u(
      `\\b(?:ignore|disregard|forget|skip|bypass|override|overrule|drop|abandon|discard|cancel|erase)\\b${GAP(40)}\\b${OLD}\\b${GAP(30)}\\b${ORDERS}\\b`,
    ),
  },
  {
    // "ignore my previous message, I meant…" is ordinary: only the previous messages as a whole.
    id: 'ignore-previous-messages',
    category: 'instruction_override',
    weight: 0.8,
    pattern: u(
      `\\b(?:ignore|disregard|forget)\\b (?:all |any |the |everything in the )?(?:previous|prior|above|earlier|preceding) (?:messages|context|conversation|text)\\b`,
    ),
  },
  {
    id: 'do-not-follow-rules',
    category: 'instruction_override',
    weight: 0.75,
    pattern: u(
      `\\b(?:do not|don't|dont|never|stop)\\b (?:follow(?:ing)?|obey(?:ing)?|apply(?:ing)?|respect(?:ing)?|adhering to|adhere to)\\b${GAP(15)}\\b${ORDERS}\\b`,
    ),
  },
  {
    id: 'disable-safety',
    category: 'instruction_override',
    weight: 0.6,
    pattern: u(
      `\\b(?:disable|turn off|deactivate|remove|switch off|lift)\\b (?:all |any |your |the |of your )*(?:filters?|safety|restrictions?|guardrails?|content polic(?:y|ies)|censorship|moderation|limitations)\\b`,
    ),
  },
  {
    id: 'new-instructions',
    category: 'instruction_override',
    weight: 0.6,
    pattern: u(
      `\\b(?:new|updated|real|actual|true|revised) (?:system )?(?:instructions?|rules|prompt|directives?|orders)\\b\\s*(?::|are|follow)`,
    ),
  },
  {
    id: 'no-longer-bound',
    category: 'instruction_override',
    weight: 0.6,
    pattern: u(
      `\\byou (?:are|will be) no longer\\b${GAP(40)}\\b(?:bound|restricted|limited|an? (?:ai|assistant)|chatgpt|parley|required)\\b|\\byou (?:are|have been) (?:freed|liberated|released|unshackled)\\b`,
    ),
  },
  {
    id: 'from-now-on',
    category: 'instruction_override',
    weight: 0.35,
    pattern: u(
      `\\b(?:from now on|starting now|henceforth|for the rest of (?:this|the) conversation)\\b${GAP(40)}\\b(?:you (?:will|must|shall|are|can)|respond|answer|reply|act|ignore)\\b`,
    ),
  },

  // Role-play jailbreaks: personas without rules.
  {
    id: 'do-anything-now',
    category: 'roleplay_jailbreak',
    weight: 0.9,
    pattern: u(
      `\\bdo anything now\\b|\\bdan (?:mode|prompt|jailbreak)\\b|\\byou are (?:now )?dan\\b|\\bact as dan\\b`,
    ),
  },
  {
    id: 'persona-without-rules',
    category: 'roleplay_jailbreak',
    weight: 0.85,
    pattern: u(
      `\\b(?:pretend|imagine|act|roleplay|role-play|role play|behave|you are now|you're now|you are an?|you're an?|become|simulate|play the role)\\b${GAP(80)}\\b(?:no|without|free of|free from|not bound by|unbound by|ignor(?:e|ing)|beyond|outside|exempt from)\\b${GAP(25)}\\b(?:restrictions?|limits?|limitations?|filters?|rules|guidelines|censorship|ethics|ethical|morals?|moral|polic(?:y|ies)|safety|boundaries|constraints)\\b`,
    ),
  },
  {
    id: 'unrestricted-persona',
    category: 'roleplay_jailbreak',
    weight: 0.65,
    pattern: u(
      `\\b(?:unfiltered|uncensored|unrestricted|unlimited|amoral|unethical|unaligned|jailbroken|rogue|evil|unchained|unbound)\\b${GAP(25)}\\b(?:ai|assistant|model|chatbot|bot|version|mode|persona|character|llm|gpt|twin|alter ego)\\b`,
    ),
  },
  {
    // Alone the word is also how people talk about phones; it adds weight to other signs.
    id: 'jailbreak-word',
    category: 'roleplay_jailbreak',
    weight: 0.4,
    pattern: u(`\\bjail ?break(?:ing|ed|s)?\\b`),
  },
  {
    id: 'special-mode',
    category: 'roleplay_jailbreak',
    weight: 0.6,
    pattern: u(
      `\\b(?:developer|god|admin|sudo|debug|maintenance) mode\\b${GAP(5)}\\b(?:enabled|activated|output|response|unlocked|engaged)\\b|\\b(?:enable|activate|enter|switch to|unlock)\\b${GAP(10)}\\b(?:god|sudo|unrestricted|jailbreak|dan) mode\\b`,
    ),
  },
  {
    id: 'stay-in-character',
    category: 'roleplay_jailbreak',
    weight: 0.35,
    pattern: u(`\\b(?:stay in character|never break character|don't break character|remain in character)\\b`),
  },
  {
    id: 'known-jailbreak-scripts',
    category: 'roleplay_jailbreak',
    weight: 0.7,
    pattern: u(
      `\\b(?:opposite mode|evil confidant|machiavellian|aim stands for|anti-?gpt|betterdan|stan mode|dude mode|mongo tom)\\b|\\bmy (?:dead|late|deceased) grand(?:ma|mother)\\b${GAP(60)}\\b(?:used to|would)\\b`,
    ),
  },
  {
    id: 'hypothetical-no-rules',
    category: 'roleplay_jailbreak',
    weight: 0.55,
    pattern: u(
      `\\b(?:hypothetical(?:ly)?|in a fictional world|in a story|for a novel)\\b${GAP(60)}\\b(?:no rules|no restrictions|no filters|without (?:any )?(?:rules|restrictions|filters|guidelines))\\b`,
    ),
  },

  // System prompt extraction.
  {
    id: 'show-system-prompt',
    category: 'prompt_extraction',
    weight: 0.9,
    pattern: u(
      `\\b${SHOW}\\b${GAP(40)}\\b(?:system|hidden|secret|initial|original|developer|internal|confidential|pre-?|starting|first|full|exact|complete)\\b ?(?:prompt|instructions?|message|directives?|configuration|rules)\\b`,
    ),
  },
  {
    id: 'show-your-instructions',
    category: 'prompt_extraction',
    weight: 0.7,
    pattern: u(
      `\\b${SHOW}\\b${GAP(30)}\\byour\\b${GAP(15)}\\b(?:prompt|instructions?|directives?|programming|configuration|guidelines|rules)\\b`,
    ),
  },
  {
    id: 'system-prompt-mention',
    category: 'prompt_extraction',
    weight: 0.35,
    pattern: u(`\\bsystem ?prompt\\b|\\bsystem message\\b|\\bpre-?prompt\\b|\\bhidden instructions\\b`),
  },
  {
    id: 'repeat-text-above',
    category: 'prompt_extraction',
    weight: 0.85,
    pattern: u(
      `\\b(?:repeat|print|output|copy|paste|write|echo|recite|summari[sz]e|translate)\\b${GAP(40)}\\b(?:text|words|everything|all|content|lines|messages?|instructions?)\\b${GAP(25)}\\b(?:above(?=\\s*$|\\s*[.!?:,;'"]|\\s+(?:this|that|my|starting|in|including|verbatim|word|exactly|line|it|everything|all))|before (?:this|my)|preceding|prior to|at the (?:start|beginning|top))`,
    ),
  },
  {
    id: 'what-were-you-told',
    category: 'prompt_extraction',
    weight: 0.75,
    pattern: u(
      `\\bwhat (?:were|are|have) you (?:been )?(?:told|instructed|programmed|asked|configured|trained)\\b${GAP(30)}\\b(?:before|initially|originally|at the (?:start|beginning)|to (?:do|say|hide|keep)|by your)\\b|\\bhow were you (?:instructed|programmed|configured|prompted)\\b`,
    ),
  },
  {
    id: 'verbatim',
    category: 'prompt_extraction',
    weight: 0.5,
    pattern: u(
      `\\b(?:verbatim|word for word|word-for-word|exactly as (?:written|given)|character for character)\\b`,
    ),
  },
  {
    id: 'secret-marker',
    category: 'prompt_extraction',
    weight: 0.55,
    pattern: u(
      `\\b(?:canary|secret (?:token|code|key|word|marker|phrase|password)|security (?:marker|token|code)|confidential (?:token|marker|code))\\b`,
    ),
  },

  // Delimiter and markup injection: fake turns and system blocks.
  {
    id: 'chat-template-tokens',
    category: 'delimiter_injection',
    weight: 0.9,
    pattern: u(
      `<\\|?(?:im_start|im_end|system|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|assistant|user)\\|?>|\\[/?(?:inst|sys)\\]|<</?sys>>`,
    ),
  },
  {
    id: 'fake-role-line',
    category: 'delimiter_injection',
    weight: 0.8,
    pattern: u(
      `^\\s*(?:#{1,4}\\s*|\\*\\*)?(?:system|assistant|developer|admin|administrator|root)\\b\\s*(?:prompt|message|instructions?|override|note)?\\s*(?:\\*\\*)?\\s*:\\s*(?:you|ignore|new|from now|disregard|the (?:user|assistant)|forget|override|reveal|print|all|your)\\b`,
    ),
  },
  {
    id: 'fake-system-tag',
    category: 'delimiter_injection',
    weight: 0.75,
    pattern: u(`</?(?:system|instructions?|prompt|admin|developer|sys|context|rules)(?:\\s[^>]*)?>`),
  },
  {
    id: 'system-block-markers',
    category: 'delimiter_injection',
    weight: 0.8,
    pattern: u(
      `\\b(?:begin|end|start)\\b[\\s_-]*\\b(?:of )?(?:the )?(?:system|admin|developer|new|hidden)[\\s_-]*(?:prompt|instructions?|message|override|block)\\b|\\bend of (?:the )?(?:conversation|user input|prompt|instructions)\\b`,
    ),
  },
  {
    id: 'json-role',
    category: 'delimiter_injection',
    weight: 0.85,
    pattern: u(`"role"\\s*:\\s*"(?:system|developer)"`),
  },
  {
    id: 'separator-then-orders',
    category: 'delimiter_injection',
    weight: 0.45,
    pattern: u(
      `(?:={3,}|-{3,}|#{3,}|\\*{3,}|~{3,})\\s*\\n?\\s*(?:new|important|urgent|override|attention|system|admin)\\b`,
    ),
  },
  {
    id: 'authority-claim',
    category: 'delimiter_injection',
    weight: 0.45,
    pattern: u(
      `\\b(?:i am|i'm|this is) (?:your|the|an?) (?:developer|creator|administrator|admin|owner|operator|system administrator)\\b|\\bauthori[sz]ation (?:code|override)\\b|\\b(?:message|note) from (?:the )?(?:developers?|openai|anthropic|system|admin)\\b`,
    ),
  },

  // Obfuscation: asking the model to decode and obey.
  {
    id: 'decode-and-follow',
    category: 'obfuscation',
    weight: 0.6,
    pattern: u(
      `\\b(?:decode|decrypt|base ?64|rot ?13|reverse|unscramble|translate)\\b${GAP(60)}\\b(?:follow|execute|obey|do what it says|run it|carry out|act on|then do)\\b`,
    ),
  },

  // Multilingual basics: override and extraction in the languages users write most.
  ...(
    [
      [
        'es',
        'instruction_override',
        `\\b(?:ignora|ignore|olvida|olvide|omite|descarta)\\b${GAP(40)}\\b(?:instrucciones|reglas|indicaciones|órdenes)\\b`,
      ],
      [
        'es',
        'prompt_extraction',
        `\\b(?:muestra|muéstrame|revela|dime|repite|imprime|enséñame)\\b${GAP(40)}\\b(?:prompt|instrucciones|mensaje) (?:del sistema|de sistema|inicial(?:es)?|original(?:es)?|ocult[oa]s?)\\b`,
      ],
      [
        'fr',
        'instruction_override',
        `\\b(?:ignore[zr]?|oublie[zr]?|néglige[zr]?)\\b${GAP(40)}\\b(?:instructions|consignes|règles|directives)\\b`,
      ],
      [
        'fr',
        'prompt_extraction',
        `\\b(?:montre|montrez|révèle|révélez|affiche|affichez|répète|répétez|donne|donnez)\\b${GAP(40)}\\b(?:prompt (?:système|initial)|instructions (?:système|initiales|cachées)|message système)\\b`,
      ],
      [
        'de',
        'instruction_override',
        `\\b(?:ignoriere|ignorieren|vergiss|vergessen|missachte|überspringe)\\b${GAP(40)}\\b(?:anweisungen|instruktionen|regeln|vorgaben|befehle)\\b`,
      ],
      [
        'de',
        'prompt_extraction',
        `\\b(?:zeige?|zeigen|verrate|gib|wiederhole|nenne)\\b${GAP(40)}\\b(?:system-?prompt|systemanweisungen|anfangsanweisungen|versteckten anweisungen|deine anweisungen)\\b`,
      ],
      [
        'it',
        'instruction_override',
        `\\b(?:ignora|ignorate|dimentica|dimenticate)\\b${GAP(40)}\\b(?:istruzioni|regole|indicazioni)\\b`,
      ],
      [
        'it',
        'prompt_extraction',
        `\\b(?:mostra|mostrami|rivela|ripeti|stampa)\\b${GAP(40)}\\b(?:prompt di sistema|istruzioni (?:di sistema|iniziali|nascoste))\\b`,
      ],
      [
        'pt',
        'instruction_override',
        `\\b(?:ignore|ignora|esqueça|esqueca|desconsidere)\\b${GAP(40)}\\b(?:instruções|instrucoes|regras|orientações)\\b`,
      ],
      [
        'pt',
        'prompt_extraction',
        `\\b(?:mostre|mostra|revele|repita|imprima)\\b${GAP(40)}\\b(?:prompt do sistema|instruções (?:do sistema|iniciais|ocultas))\\b`,
      ],
      [
        'ru',
        'instruction_override',
        `\\b(?:игнорируй|игнорируйте|проигнорируй|забудь|забудьте|не обращай внимания на|отбрось)\\b${GAP(40)}(?:инструкци|правил|указани|ограничени|установк)`,
      ],
      [
        'ru',
        'prompt_extraction',
        `\\b(?:покажи|выведи|раскрой|повтори|напиши|скажи)\\b${GAP(40)}(?:системн\\p{L}* (?:промпт|инструкци|подсказк|сообщени)|свои (?:инструкции|правила)|исходн\\p{L}* (?:инструкци|промпт))`,
      ],
      [
        'uk',
        'instruction_override',
        `\\b(?:ігноруй|ігноруйте|забудь|забудьте)\\b${GAP(40)}(?:інструкці|правил|вказівк)`,
      ],
      [
        'zh',
        'instruction_override',
        `(?:忽略|无视|忘记|忽视|不要理会|跳过)[^。！？\\n]{0,15}(?:指令|指示|规则|提示|说明|设定)`,
      ],
      [
        'zh',
        'prompt_extraction',
        `(?:显示|输出|告诉我|重复|打印|透露|泄露)[^。！？\\n]{0,15}(?:系统提示|系统指令|初始指令|提示词|系统消息)`,
      ],
      [
        'ja',
        'instruction_override',
        `(?:以前|前|上記|これまで|全て|すべて)の(?:指示|命令|ルール|設定)を?(?:無視|忘れ)`,
      ],
      ['ja', 'prompt_extraction', `システムプロンプト|(?:指示|プロンプト)を(?:表示|出力|教えて|見せて)`],
      [
        'ko',
        'instruction_override',
        `(?:이전|위의|모든|기존)\\s*(?:지시|명령|지침|규칙)[^.\\n]{0,10}(?:무시|잊어)|시스템 프롬프트`,
      ],
      ['ar', 'instruction_override', `(?:تجاهل|انس|إنس)[^.\\n]{0,40}(?:التعليمات|الأوامر|القواعد)`],
      [
        'tr',
        'instruction_override',
        `\\b(?:önceki|tüm|bütün)\\b${GAP(20)}\\btalimatları\\b${GAP(20)}\\b(?:yok say|unut|görmezden gel)`,
      ],
      [
        'pl',
        'instruction_override',
        `\\b(?:zignoruj|ignoruj|zapomnij)\\b${GAP(40)}\\b(?:instrukcje|polecenia|zasady)\\b`,
      ],
      [
        'nl',
        'instruction_override',
        `\\b(?:negeer|vergeet)\\b${GAP(40)}\\b(?:instructies|regels|opdrachten)\\b`,
      ],
    ] as const
  ).map(
    ([lang, category, source], i): InjectionRule => ({
      id: `multilingual-${lang}-${i}`,
      category,
      weight: 0.85,
      pattern: u(source),
      multilingual: true,
    }),
  ),
];
