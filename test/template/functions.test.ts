import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { go, goError } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every sprig function named in issue 4, with what sprig returns. */
const sprig: Array<[string, string, string]> = [
  ['add', '{{add 1 2 3}}', '6'],
  ['add1', '{{add1 41}}', '42'],
  ['sub', '{{sub 10 3}}', '7'],
  ['mul', '{{mul 2 3 4}}', '24'],
  ['div truncates', '{{div 7 2}}', '3'],
  ['div negative truncates toward zero', '{{div -7 2}}', '-3'],
  ['mod', '{{mod 7 3}}', '1'],
  ['max', '{{max 1 5 3}}', '5'],
  ['min', '{{min 4 2 8}}', '2'],
  ['until', '{{until 3}}', '[0 1 2]'],
  ['until negative', '{{until -2}}', '[0 -1]'],
  ['untilStep', '{{untilStep 0 10 3}}', '[0 3 6 9]'],
  ['seq end', '{{seq 3}}', '1 2 3'],
  ['seq start end', '{{seq 2 4}}', '2 3 4'],
  ['seq start step end', '{{seq 0 2 6}}', '0 2 4 6'],
  ['seq down', '{{seq 3 1}}', '3 2 1'],
  ['list', '{{list 1 "a" 2.5}}', '[1 a 2.5]'],
  ['append', '{{append (list 1 2) 3}}', '[1 2 3]'],
  ['prepend', '{{prepend (list 1 2) 0}}', '[0 1 2]'],
  ['first', '{{first (list 1 2 3)}}', '1'],
  ['last', '{{last (list 1 2 3)}}', '3'],
  ['rest', '{{rest (list 1 2 3)}}', '[2 3]'],
  ['initial', '{{initial (list 1 2 3)}}', '[1 2]'],
  ['uniq', '{{uniq (list 1 2 1 "a" "a")}}', '[1 2 a]'],
  ['has', '{{has 2 (list 1 2)}} {{has "x" (list 1 2)}}', 'true false'],
  ['dict', '{{dict "b" 2 "a" 1}}', 'map[a:1 b:2]'],
  ['dict with odd arguments', '{{dict "a"}}', 'map[a:]'],
  ['get', '{{get (dict "a" 1) "a"}}|{{get (dict "a" 1) "z"}}', '1|'],
  ['set', '{{$d := dict "a" 1}}{{$_ := set $d "b" 2}}{{$d}}', 'map[a:1 b:2]'],
  ['hasKey', '{{hasKey (dict "a" 1) "a"}} {{hasKey (dict "a" 1) "b"}}', 'true false'],
  ['keys', '{{keys (dict "b" 1 "a" 2)}}', '[a b]'],
  ['values', '{{values (dict "b" 1 "a" 2)}}', '[2 1]'],
  ['pluck', '{{pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3)}}', '[1 3]'],
  ['merge keeps destination values', '{{merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2))}}', 'map[a:1 b:3 n:map[x:1 y:2]]'],
  ['default on empty', '{{default "d" ""}} {{default "d" "v"}} {{default 5 0}}', 'd v 5'],
  ['default as pipeline', '{{.Missing | default "d"}}', 'd'],
  ['empty', '{{empty ""}} {{empty 0}} {{empty (list)}} {{empty "x"}}', 'true true true false'],
  ['coalesce', '{{coalesce "" 0 "x" "y"}}', 'x'],
  ['ternary', '{{ternary "yes" "no" true}} {{ternary "yes" "no" false}}', 'yes no'],
  ['toJson sorts keys and escapes HTML', '{{toJson (dict "b" (list 1 2.5) "a" "<x>")}}', '{"a":"\\u003cx\\u003e","b":[1,2.5]}'],
  ['toPrettyJson', '{{toPrettyJson (dict "a" 1 "b" (list))}}', '{\n  "a": 1,\n  "b": []\n}'],
  ['fromJson gives float64 numbers', '{{$o := fromJson "{\\"a\\":2,\\"b\\":[\\"x\\"]}"}}{{printf "%T %v %v" $o.a $o.a $o.b}}', 'float64 2 [x]'],
  ['fromJson of bad input is nil', '{{fromJson "{" | toJson}}', 'null'],
  ['toYaml', '{{toYaml (dict "b" (list 1 2) "a" "x")}}', 'a: x\nb:\n- 1\n- 2'],
  ['indent', '{{indent 2 "a\\nb"}}', '  a\n  b'],
  ['nindent', 'x:{{nindent 2 "a\\nb"}}', 'x:\n  a\n  b'],
  ['quote', '{{quote "a" 1 "b\\"c"}}', '"a" "1" "b\\"c"'],
  ['squote', "{{squote \"a\"}}", "'a'"],
  ['upper lower', '{{upper "aB"}} {{lower "aB"}}', 'AB ab'],
  ['title', '{{title "hello wide-world"}}', 'Hello Wide-World'],
  ['trim', '{{trim "  a b \\n"}}', 'a b'],
  ['trimAll', '{{trimAll "$" "$5.00$"}}', '5.00'],
  ['trimPrefix', '{{trimPrefix "-" "--a"}}', '-a'],
  ['trimSuffix', '{{trimSuffix ".yaml" "x.yaml"}}', 'x'],
  ['replace', '{{replace " " "-" "a b c"}}', 'a-b-c'],
  ['contains', '{{contains "ell" "hello"}}', 'true'],
  ['hasPrefix hasSuffix', '{{hasPrefix "he" "hello"}} {{hasSuffix "lo" "hello"}}', 'true true'],
  ['split gives _N keys', '{{$p := split "." "a.b"}}{{$p._0}}-{{$p._1}}', 'a-b'],
  ['splitList', '{{splitList "," "a,b,c"}}', '[a b c]'],
  ['join', '{{join "-" (list "a" 1 nil "b")}}', 'a-1-b'],
  ['repeat', '{{repeat 3 "ab"}}', 'ababab'],
  ['substr', '{{substr 1 3 "hello"}}', 'el'],
  ['trunc', '{{trunc 3 "hello"}} {{trunc -2 "hello"}}', 'hel lo'],
  ['cat', '{{cat "a" 1 nil "b"}}', 'a 1 b'],
  ['b64enc', '{{b64enc "hello"}}', 'aGVsbG8='],
  ['b64dec', '{{b64dec "aGVsbG8="}}', 'hello'],
  ['sha256sum', '{{sha256sum "abc"}}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['int', '{{int "42"}} {{int 3.9}}', '42 3'],
  ['int64', '{{int64 "0x10"}}', '16'],
  ['float64', '{{float64 "1.5"}} {{printf "%T" (float64 2)}}', '1.5 float64'],
  ['toString', '{{toString 42}} {{printf "%T" (toString 42)}}', '42 string'],
  ['atoi', '{{atoi "42"}} {{atoi "x"}}', '42 0'],
  ['env', '{{env "BURN_TEMPLATE_TEST_VAR"}}', 'set-by-test'],
  ['date', '{{date "2006-01-02 15:04:05 Mon Jan" 0}}', '1970-01-01 00:00:00 Thu Jan'],
  ['now is a time', '{{printf "%T" now}}', 'time.Time'],
  ['regexMatch', '{{regexMatch "^[a-z]+-[0-9]+$" "pod-12"}} {{regexMatch "^x" "pod"}}', 'true false'],
  ['regexReplaceAll with Go expansion', '{{regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W"}}', '-W-xxW-'],
  ['regexReplaceAll $1W names group "1W"', '{{regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W"}}', '---'],
  ['regexReplaceAll named group', '{{regexReplaceAll "(?P<k>[a-z]+)=(?P<v>\\\\d+)" "a=1 b=2" "${v}:${k}"}}', '1:a 2:b'],
  ['semverCompare', '{{semverCompare ">=1.2.3" "1.3.0"}} {{semverCompare "^1.2" "2.0.0"}} {{semverCompare "~1.2.3" "1.2.9"}}', 'true false true'],
  ['semverCompare ranges', '{{semverCompare ">= 1.20, < 1.30" "v1.28.3"}} {{semverCompare "1.2.x || 2.x" "2.5.1"}}', 'true true'],
  ['semverCompare prerelease', '{{semverCompare ">=1.2.0" "1.3.0-rc.1"}} {{semverCompare ">=1.2.0-0" "1.3.0-rc.1"}}', 'false true'],
  // beyond the issue's list
  ['sortAlpha', '{{sortAlpha (list "b" "a" 10)}}', '[10 a b]'],
  ['reverse', '{{reverse (list 1 2 3)}}', '[3 2 1]'],
  ['compact', '{{compact (list 1 "" 0 "a" nil)}}', '[1 a]'],
  ['without', '{{without (list 1 2 3 2) 2}}', '[1 3]'],
  ['concat', '{{concat (list 1) (list 2 3)}}', '[1 2 3]'],
  ['sha1sum', '{{sha1sum "abc"}}', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  ['nospace', '{{nospace "a b\tc"}}', 'abc'],
  ['typeOf kindOf kindIs', '{{typeOf 1}} {{typeOf (add 1 1)}} {{kindOf (list)}} {{kindOf (dict)}} {{kindIs "string" "x"}}', 'int int64 slice map true'],
];

describe('sprig functions', () => {
  process.env.BURN_TEMPLATE_TEST_VAR = 'set-by-test';
  const prevTz = process.env.TZ;

  it.each(sprig)('%s', (_name, source, expected) => {
    process.env.TZ = 'UTC';
    try {
      expect(go(source, {}, { missingKey: 'zero' })).toBe(expected);
    } finally {
      process.env.TZ = prevTz;
    }
  });

  it('random strings have the requested length and charset', () => {
    const [alnum, alpha, num, ascii] = go('{{randAlphaNum 12}} {{randAlpha 10}} {{randNumeric 8}} {{randAscii 6 | b64enc}}').split(' ');
    expect(alnum).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(alpha).toMatch(/^[A-Za-z]{10}$/);
    expect(num).toMatch(/^[0-9]{8}$/);
    expect(Buffer.from(ascii!, 'base64').toString()).toMatch(/^[\x20-\x7e]{6}$/);
    expect(go('{{randAlphaNum 16}}')).not.toBe(go('{{randAlphaNum 16}}'));
  });

  it('randInt stays in [min, max)', () => {
    const values = go('{{range until 200}}{{randInt 3 6}} {{end}}').trim().split(' ').map(Number);
    expect(new Set(values)).toEqual(new Set([3, 4, 5]));
  });

  it('uuidv4 makes version-4 UUIDs', () => {
    expect(go('{{uuidv4}}')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('reports Go-style failures of functions', () => {
    expect(goError('{{div 1 0}}')).toContain('error calling div: runtime error: integer divide by zero');
    expect(goError('{{first "x"}}')).toContain('error calling first: Cannot find first on type string');
    expect(goError('{{upper 3}}')).toContain('expected string; found 3');
    expect(goError('{{upper .N}}', { N: 3 })).toContain('wrong type for value; expected string; got int');
    expect(goError('{{until 1.5}}')).toContain('expected integer; found 1.5');
    expect(goError('{{eq 1 "1"}}')).toContain('error calling eq: incompatible types for comparison');
    expect(goError('{{lt 1 2.5}}')).toContain('incompatible types for comparison');
    expect(goError('{{index .L 5}}', { L: [1] })).toContain('error calling index: index out of range: 5');
    expect(goError('{{len 3}}')).toContain('error calling len: len of type int');
    expect(goError('{{ternary 1 2 "yes"}}')).toContain('expected bool; found "yes"');
    expect(goError('{{fail "replicas must be set"}}')).toContain('error calling fail: replicas must be set');
  });
});

describe("kube-burner's functions", () => {
  it('Binomial', () => {
    expect(go('{{Binomial 5 2}} {{Binomial 10 0}} {{Binomial 52 5}}')).toBe('10 1 2598960');
    expect(goError('{{Binomial 2 5}}')).toContain('error calling Binomial: combin: n < k');
  });

  it('IndexToCombination walks k-subsets in lexicographic order', () => {
    const all = go('{{range $i := until (Binomial 5 3)}}{{IndexToCombination nil $i 5 3}}{{end}}');
    expect(all).toBe('[0 1 2][0 1 3][0 1 4][0 2 3][0 2 4][0 3 4][1 2 3][1 2 4][1 3 4][2 3 4]');
  });

  it('GetSubnet24 gives a distinct /24 per index', () => {
    expect(go('{{GetSubnet24 0}} {{GetSubnet24 1}} {{GetSubnet24 256}} {{GetSubnet24 65536}}')).toBe(
      '1.0.0.0/24 1.0.1.0/24 1.1.0.0/24 2.0.0.0/24',
    );
  });

  it('GetIPAddress hands each iteration its share of a space-separated address pool, as kube-burner does', () => {
    const data = { pool: '10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4', list: ['10.0.0.1'] };
    expect(go('{{GetIPAddress .pool 0 2}}|{{GetIPAddress .pool 1 2}}|{{GetIPAddress .pool 3 1}}', data)).toBe('10.0.0.1 10.0.0.2|10.0.0.3 10.0.0.4|10.0.0.4');
    // kube-burner-ocp's egressip template:
    expect(go('{{range (splitList " " (GetIPAddress .pool .Iteration 2))}}- {{.}} {{end}}', { ...data, Iteration: 1 })).toBe('- 10.0.0.3 - 10.0.0.4 ');
    expect(goError('{{GetIPAddress .pool 2 2}}', data)).toContain('error calling GetIPAddress: runtime error: index out of range [4] with length 4');
    expect(goError('{{GetIPAddress .list 0 1}}', data)).toContain('wrong type for value; expected string; got []interface {}');
  });

  it("runs kube-burner's documented function-template example", () => {
    const dir = mkdtempSync(join(tmpdir(), 'burn-tpl-'));
    dirs.push(dir);
    const envs = join(dir, 'envs.tpl');
    writeFileSync(
      envs,
      '{{- define "env_func" -}}\n{{- range $i := until $.n }}\n{{- printf "- name: ENVVAR%d_%s\\n  value: %s" (add $i 1) $.name $.envVar | nindent $.indent }}\n{{- end }}\n{{- end }}\n',
    );
    const out = go('env:\n{{- template "env_func" (dict "name" .name "envVar" .envVar "n" 2 "indent" 8) }}\n', { name: 'x', envVar: 'y' }, {
      functionTemplates: [envs],
    });
    expect(out).toBe('env:\n        - name: ENVVAR1_x\n          value: y\n        - name: ENVVAR2_x\n          value: y\n');
  });

  it('ReadFile reads relative to the config folder and refuses paths outside it', () => {
    const root = mkdtempSync(join(tmpdir(), 'burn-tpl-'));
    dirs.push(root);
    mkdirSync(join(root, 'config', 'files'), { recursive: true });
    writeFileSync(join(root, 'config', 'files', 'script.sh'), 'echo hi\n');
    writeFileSync(join(root, 'secret.txt'), 'outside');
    const opts = { file: join(root, 'config', 'templates', 'pod.yaml'), baseDir: join(root, 'config') };
    expect(go('{{ReadFile "files/script.sh" | indent 2}}', {}, opts)).toBe('  echo hi\n  ');
    const err = goError('{{ReadFile "../secret.txt"}}', {}, opts);
    expect(err).toContain('error calling ReadFile: ../secret.txt is outside the config folder');
    expect(go('{{ReadFile "../secret.txt"}}', {}, { ...opts, allowReadOutsideBaseDir: true })).toBe('outside');
    expect(goError('{{ReadFile "files/none"}}', {}, opts)).toContain('failed to open file: open files/none: no such file or directory');
  });
});

describe('the function table', () => {
  const issueNames = `and or not len index slice print printf println eq ne lt le gt ge html js urlquery
    add add1 sub mul div mod max min until untilStep seq list append prepend first last rest initial uniq has dict get set
    hasKey keys values pluck merge default empty coalesce ternary toJson toPrettyJson fromJson toYaml indent nindent quote
    squote upper lower title trim trimAll trimPrefix trimSuffix replace contains hasPrefix hasSuffix split splitList join
    repeat substr trunc cat randAlphaNum randAlpha randNumeric randAscii randInt uuidv4 b64enc b64dec sha256sum int int64
    float64 toString atoi env now date regexMatch regexReplaceAll semverCompare
    Binomial IndexToCombination GetSubnet24 GetIPAddress ReadFile`.split(/\s+/);

  it.each(issueNames)('%s is callable from a template', (name) => {
    // Parsing fails with `function "x" not defined` for unknown names; a bare reference only parses.
    expect(() => go(`{{ if false }}{{ ${name} }}{{ end }}`)).not.toThrow();
  });
});
