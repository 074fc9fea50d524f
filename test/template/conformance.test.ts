import { describe, expect, it } from 'vitest';
import { GoFloat } from '../../src/template/index.js';
import { go } from './helpers.js';

/** [template, data, what Go's text/template + sprig print]. Each expectation is Go's documented behaviour. */
const data = {
  A: true,
  B: false,
  N: 3,
  F: 2.5,
  S: 'hello',
  E: '',
  L: [1, 2, 3],
  Names: ['b', 'a'],
  M: { b: 2, a: 1 },
  Nested: { Inner: { Value: 'deep' }, List: [{ Name: 'x' }, { Name: 'y' }] },
  Nil: null,
  Zero: 0,
  Empty: [],
  EmptyMap: {},
};

const cases: Array<[string, string, string]> = [
  // text, actions, trimming, comments
  ['plain text', 'plain text', 'plain text'],
  ['field', '{{.S}}', 'hello'],
  ['chained field', '{{.Nested.Inner.Value}}', 'deep'],
  ['dot of a map', '{{.M}}', 'map[a:1 b:2]'],
  ['trim left', 'a  {{- .S}}', 'ahello'],
  ['trim right', '{{.S -}}  \n b', 'hellob'],
  ['trim both lines', 'x\n{{- if .A }}\n  y\n{{- end }}\nz', 'x\n  y\nz'],
  ['comment', 'a{{/* note */}}b', 'ab'],
  ['trimmed comment', 'a {{- /* note */ -}} b', 'ab'],
  ['negative number is not a trim marker', '{{-3}}', '-3'],
  // literals
  ['int literal', '{{42}}', '42'],
  ['float literal', '{{1.5}}', '1.5'],
  ['float literal with zero fraction stays float64', '{{printf "%T" 1.0}}', 'float64'],
  ['hex literal', '{{0x1F}}', '31'],
  ['char literal', "{{'a'}}", '97'],
  ['string escapes', '{{"a\\tb"}}', 'a\tb'],
  ['raw string', '{{`a\\tb`}}', 'a\\tb'],
  ['bool', '{{true}}', 'true'],
  // variables
  ['declare and use', '{{$x := 5}}{{$x}}', '5'],
  ['assign', '{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', '2'],
  ['$ is the data', '{{range .L}}{{$.S}}{{end}}', 'hellohellohello'],
  ['variable field', '{{$n := .Nested}}{{$n.Inner.Value}}', 'deep'],
  // if / else
  ['if true', '{{if .A}}yes{{end}}', 'yes'],
  ['if else', '{{if .B}}yes{{else}}no{{end}}', 'no'],
  ['else if', '{{if .B}}1{{else if .A}}2{{else}}3{{end}}', '2'],
  ['truthiness: 0', '{{if .Zero}}t{{else}}f{{end}}', 'f'],
  ['truthiness: empty string', '{{if .E}}t{{else}}f{{end}}', 'f'],
  ['truthiness: empty list', '{{if .Empty}}t{{else}}f{{end}}', 'f'],
  ['truthiness: empty map', '{{if .EmptyMap}}t{{else}}f{{end}}', 'f'],
  ['truthiness: nil', '{{if .Nil}}t{{else}}f{{end}}', 'f'],
  ['and', '{{if and .A .B}}t{{else}}f{{end}}', 'f'],
  ['and returns the first falsy value', '{{and 1 0 2}}', '0'],
  ['or returns the first truthy value', '{{or 0 "" "x"}}', 'x'],
  ['and short-circuits', '{{and false (index .L 10)}}', 'false'],
  ['not', '{{not .A}}', 'false'],
  // with
  ['with', '{{with .Nested.Inner}}{{.Value}}{{end}}', 'deep'],
  ['with else', '{{with .E}}x{{else}}empty{{end}}', 'empty'],
  ['else with', '{{with .E}}x{{else with .S}}{{.}}{{end}}', 'hello'],
  // range
  ['range list', '{{range .L}}{{.}},{{end}}', '1,2,3,'],
  ['range index and element', '{{range $i, $e := .L}}{{$i}}={{$e}} {{end}}', '0=1 1=2 2=3 '],
  ['range map in key order', '{{range $k, $v := .M}}{{$k}}{{$v}}{{end}}', 'a1b2'],
  ['range map values', '{{range .M}}{{.}}{{end}}', '12'],
  ['range integer', '{{range 3}}{{.}}{{end}}', '012'],
  ['range else', '{{range .Empty}}x{{else}}none{{end}}', 'none'],
  ['range nil runs else', '{{range .Nil}}x{{else}}none{{end}}', 'none'],
  ['break', '{{range .L}}{{if eq . 2}}{{break}}{{end}}{{.}}{{end}}', '1'],
  ['continue', '{{range .L}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}', '13'],
  ['range over nested', '{{range .Nested.List}}{{.Name}}{{end}}', 'xy'],
  ['range variable scope ends', '{{$x := 0}}{{range $i, $e := .L}}{{$x = $i}}{{end}}{{$x}}', '2'],
  // define / template / block
  ['define and template', '{{define "t"}}[{{.}}]{{end}}{{template "t" .S}}', '[hello]'],
  ['template without data', '{{define "t"}}{{.}}{{end}}{{template "t"}}', '<no value>'],
  ['block', '{{block "b" .N}}n={{.}}{{end}}', 'n=3'],
  ['recursive template', '{{define "r"}}{{if gt . 0}}{{.}}{{template "r" (sub . 1)}}{{end}}{{end}}{{template "r" 3}}', '321'],
  // pipelines
  ['pipeline passes last argument', '{{.S | upper}}', 'HELLO'],
  ['pipeline chain', '{{"  x " | trim | upper | printf "<%s>"}}', '<X>'],
  ['parenthesized', '{{printf "%d" (add 1 2)}}', '3'],
  ['field of parenthesized', '{{(index .Nested.List 1).Name}}', 'y'],
  // builtins
  ['len of string counts bytes', '{{len "héllo"}}', '6'],
  ['len of list', '{{len .L}}', '3'],
  ['len of map', '{{len .M}}', '2'],
  ['index list', '{{index .L 1}}', '2'],
  ['index map', '{{index .M "b"}}', '2'],
  ['index nested', '{{index .Nested "List" 0 "Name"}}', 'x'],
  ['index missing map key', '{{index .M "z"}}', '<no value>'],
  ['index string gives a byte', '{{index "abc" 1}}', '98'],
  ['slice list', '{{slice .L 1 3}}', '[2 3]'],
  ['print adds spaces between non-strings', '{{print 1 2 "a" "b" 3}}', '1 2ab3'],
  ['println', '{{println 1 "a"}}', '1 a\n'],
  ['eq', '{{eq .N 3}}', 'true'],
  ['eq with several arguments', '{{eq .S "x" "y" "hello"}}', 'true'],
  ['eq with nil', '{{eq .Nil nil}}', 'true'],
  ['ne', '{{ne .S "x"}}', 'true'],
  ['lt le gt ge', '{{lt 1 2}} {{le 2 2}} {{gt 1 2}} {{ge 1 2}}', 'true true false false'],
  ['string comparison', '{{lt "a" "b"}}', 'true'],
  ['html', '{{html "<a href=\\"x\\">&</a>"}}', '&lt;a href=&#34;x&#34;&gt;&amp;&lt;/a&gt;'],
  ['js', '{{js "it\'s <b>"}}', "it\\'s \\u003Cb\\u003E"],
  ['urlquery', '{{urlquery "a b&c=d/é"}}', 'a+b%26c%3Dd%2F%C3%A9'],
  // printf
  ['%05d', '{{printf "%05d" 42}}', '00042'],
  ['%-5d|', '{{printf "%-5d|" 42}}', '42   |'],
  ['%+d', '{{printf "%+d" 5}}', '+5'],
  ['%x %X %o %b', '{{printf "%x %X %o %b" 255 255 8 5}}', 'ff FF 10 101'],
  ['%#x', '{{printf "%#x" 255}}', '0xff'],
  ['%s %q', '{{printf "%s %q" "a" "b\\n"}}', 'a "b\\n"'],
  ['%10s', '{{printf "[%10s]" "hi"}}', '[        hi]'],
  ['%-10s', '{{printf "[%-10s]" "hi"}}', '[hi        ]'],
  ['%.2s', '{{printf "%.2s" "hello"}}', 'he'],
  ['%f', '{{printf "%f" 3.14159}}', '3.141590'],
  ['%.2f', '{{printf "%.2f" 3.14159}}', '3.14'],
  ['%8.3f', '{{printf "%8.3f" 3.14159}}', '   3.142'],
  ['%08.3f negative', '{{printf "%08.3f" -3.14159}}', '-003.142'],
  ['%e', '{{printf "%e" 1234.5678}}', '1.234568e+03'],
  ['%g', '{{printf "%g" 0.000012}}', '1.2e-05'],
  ['%v of a map', '{{printf "%v" .M}}', 'map[a:1 b:2]'],
  ['%v of a list', '{{printf "%v" .L}}', '[1 2 3]'],
  ['%v of nil', '{{printf "%v" nil}}', '<nil>'],
  ['%d of a list', '{{printf "%03d" .L}}', '[001 002 003]'],
  ['%t', '{{printf "%t" true}}', 'true'],
  ['%c %U', '{{printf "%c %U" 65 65}}', 'A U+0041'],
  ['%T', '{{printf "%T %T %T %T %T" 1 1.5 "s" .L .M}}', 'int float64 string []interface {} map[string]interface {}'],
  ['%%', '{{printf "100%%"}}', '100%'],
  ['%d of a string', '{{printf "%d" "x"}}', '%!d(string=x)'],
  ['%s of an int', '{{printf "%s" 42}}', '%!s(int=42)'],
  ['%d of a float', '{{printf "%d" 2.5}}', '%!d(float64=2.5)'],
  ['missing argument', '{{printf "%d %d" 1}}', '1 %!d(MISSING)'],
  ['extra argument', '{{printf "%d" 1 2}}', '1%!(EXTRA int=2)'],
  ['%*d', '{{printf "%*d" 5 42}}', '   42'],
  ['explicit argument indexes', '{{printf "%[2]s-%[1]s-%s" "a" "b"}}', 'b-a-b'],
  ['reusing an argument', '{{printf "%[1]s/%[1]s" "x"}}', 'x/x'],
  ['bad argument index', '{{printf "%[3]d" 1}}', '%!d(BADINDEX)'],
  ['float %v uses shortest form', '{{printf "%v %v %v" 2.5 1e6 0.0001}}', '2.5 1e+06 0.0001'],
  // printing values
  ['float field', '{{.F}}', '2.5'],
  ['list field', '{{.Names}}', '[b a]'],
  ['nil field prints <no value>', '{{.Nil}}', '<no value>'],
  ['nested list of maps', '{{.Nested.List}}', '[map[Name:x] map[Name:y]]'],
  ['GoFloat value', '{{.G}}', '3'],
  // more printf and printing
  ['%v of nested values', '{{printf "%v" (list 1 (dict "a" nil))}}', '[1 map[a:<nil>]]'],
  ['%q of a list', '{{printf "%q" (list "a" "b")}}', '["a" "b"]'],
  ['%5.1f and %-8.2e', '{{printf "%5.1f|%-8.2e|" 3.14159 1234.5}}', '  3.1|1.23e+03|'],
  ['%x of a string', '{{printf "%x" "hi"}}', '6869'],
  ['%6.2f%%', '{{printf "%6.2f%%" 12.3456}}', ' 12.35%'],
  ['%g', '{{printf "%g %g %v %.3g" 100000.0 1000000.0 123456789.0 3.14159}}', '100000 1e+06 1.23456789e+08 3.14'],
  ['print nil', '{{print nil}}', '<nil>'],
  ['exponent literal is a float64', '{{1e3}} {{printf "%d" 1e3}}', '1000 %!d(float64=1000)'],
  // scoping and pipelines
  ['with declaring a variable', '{{with $x := .S}}{{$x}}{{end}}', 'hello'],
  ['if declaring a variable', '{{if $x := .S}}{{$x}}{{end}}', 'hello'],
  ['index piped into a function', '{{index .M "a" | add 1}}', '2'],
  ['$ inside a template is its argument', '{{define "t"}}{{$.Value}}{{end}}{{template "t" .Nested.Inner}}', 'deep'],
  ['range over a dict literal', '{{range $k, $v := dict "b" 1 "a" 2}}{{$k}}{{end}}', 'ab'],
  ['slice with one index', '{{slice .L 1}}', '[2 3]'],
];

describe('Go text/template conformance', () => {
  it.each(cases)('%s', (_name, source, expected) => {
    expect(go(source, { ...data, G: new GoFloat(3) })).toBe(expected);
  });

  it("takes sprig's slice, which kube-burner registers over the built-in: lists only", () => {
    expect(() => go('{{slice "hello" 1 3}}')).toThrow('list should be type of slice or array but string');
  });

  it('prints <no value> for a missing key with missingkey=zero', () => {
    expect(go('{{.Missing}}', {}, { missingKey: 'zero' })).toBe('<no value>');
  });

  it('keeps ints and floats apart in sprig math', () => {
    expect(go('{{div 7 2}} {{div 7.9 2}} {{mod 7 3}} {{add 1 "2" 3.7}}')).toBe('3 3 1 6');
    expect(go('{{printf "%T" (float64 3)}} {{float64 3}}')).toBe('float64 3');
  });

  it("returns int64 from sprig math, which Go refuses where a function wants an int", () => {
    expect(go('{{printf "%T %T" (add 1 2) .N}} {{eq (add 1 1) 2}} {{until (int (add 1 2))}}', { N: 1 })).toBe('int64 int true [0 1 2]');
    expect(() => go('{{until (add 1 2)}}')).toThrow('wrong type for value; expected int; got int64');
  });
});
