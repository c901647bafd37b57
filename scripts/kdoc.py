#!/usr/bin/env python3
# kdoc.py - the API reference of the installed headers, from their
# kernel-doc comments: one Markdown page per header (its purpose, its
# overview comments, then each function, structure, enum and typedef with
# its declaration, parameters or members, description and Return:), and an
# index. A kernel-doc comment that names nothing fails the run;
# tests/api/test_install.sh checks that every exported function has its
# section.
#   scripts/kdoc.py OUTDIR HEADER...
import os
import re
import sys

COMMENT = re.compile(r'/\*.*?\*/', re.S)
KDOC_NAME = re.compile(r'^(?:(struct|enum|union|typedef)\s+)?(\w+)(\(\))?\s*-\s*(.*)$')
FIELD = re.compile(r'^@(\w+|\.\.\.):\s*(.*)$')
SECTION = re.compile(r'^(Return|Returns|Context|Note|Notes|Locking):\s*(.*)$')


def comment_lines(text):
	"""The lines of a /* */ or /** */ comment, without the frame."""
	body = re.sub(r'^/\*\*?|\*/$', '', text)
	out = []
	for line in body.split('\n'):
		line = re.sub(r'^\s*\* ?', '', line.rstrip())
		out.append(line.expandtabs(8).rstrip())
	while out and not out[0].strip():
		out.pop(0)
	while out and not out[-1].strip():
		out.pop()
	return out


def defines(rest):
	"""The run of #define lines at the start of rest (blank lines and
	trailing comments included), or ''."""
	out = []
	for line in rest.lstrip('\n').split('\n'):
		if line.startswith('#define') or (out and out[-1].endswith('\\')):
			out.append(line.rstrip())
		elif out and not line.strip():
			out.append('')
		else:
			break
	return '\n'.join(out).strip()


def declaration(rest):
	"""The declaration a kernel-doc comment documents: up to its ';' (a
	definition's closing '};' included), a static inline's prototype, or
	a run of #defines."""
	if rest.lstrip().startswith('#define'):
		return defines(rest)
	depth, i = 0, 0
	while i < len(rest):
		c = rest[i]
		if rest.startswith('/*', i):
			i = rest.index('*/', i) + 2
			continue
		if c == '{':
			if depth == 0 and re.search(r'\)\s*$', rest[:i]):
				return rest[:i].strip()  # a function body: the prototype
			depth += 1
		elif c == '}':
			depth -= 1
		elif c == ';' and depth == 0:
			return rest[:i + 1].strip()
		i += 1
	return rest.strip()


def md(text):
	return text.replace('|', '\\|')


def parse_kdoc(lines):
	"""-> (kind, name, summary, [(field, text)], [(section, [lines])])"""
	m = KDOC_NAME.match(lines[0].strip())
	if not m:
		return None
	kind = m.group(1) or ('function' if m.group(3) else 'other')
	fields, sections, cur = [], [('', [])], None
	for line in lines[1:]:
		f = FIELD.match(line.strip())
		s = SECTION.match(line.strip())
		if f and sections == [('', [])] and not sections[0][1]:
			fields.append([f.group(1), f.group(2)])
			cur = fields[-1]
		elif cur is not None and line.startswith(' ') and line.strip():
			cur[1] += ' ' + line.strip()  # a field's continuation
		elif s:
			sections.append((s.group(1), [s.group(2)]))
			cur = None
		else:
			cur = None
			sections[-1][1].append(line)
	return kind, m.group(2), m.group(4), fields, sections


def paragraphs(lines):
	"""Comment text as Markdown: indented lines (tables, diagrams, code)
	go in a code block as they are, the rest is prose."""
	out, block = [], []
	for line in lines + ['']:
		if line.startswith('  '):
			block.append(line)
			continue
		if block:
			out += ['', '```'] + block + ['```', '']
			block = []
		out.append(md(line))
	return '\n'.join(out).strip()


def render(path):
	text = open(path, encoding='utf-8').read()
	name = os.path.basename(path)
	purpose = ''
	m = re.search(r'/\*\s*' + re.escape(name) + r'\s*-\s*(.*?)\s*\*/', text)
	if m:
		purpose = m.group(1)
	out = [f'# vnet/{name}', '', md(purpose), '', f'`#include <vnet/{name}>`', '']
	problems, done = [], 0  # done: the end of the last declaration shown
	for c in COMMENT.finditer(text):
		raw = c.group(0)
		line_start = text.rfind('\n', 0, c.start()) + 1
		if 'SPDX-License-Identifier' in raw or (m and c.start() == m.start()) \
				or c.start() < done or text[line_start:c.start()].strip():
			continue  # licence, purpose, inside a declaration, trailing
		lines = comment_lines(raw)
		if not raw.startswith('/**') or raw.startswith('/***'):
			if c.start() < text.find('#define') or not lines:
				continue
			out += [paragraphs(lines), '']  # an overview comment
			consts = defines(text[c.end():])
			if consts:  # a group of constants under its comment
				out += ['```c', consts, '```', '']
				done = c.end() + text[c.end():].find(consts) + len(consts)
			continue
		doc = parse_kdoc(lines)
		if not doc:
			problems.append(f'{path}: kernel-doc without a name: {lines[0]}')
			continue
		kind, ident, summary, fields, sections = doc
		decl = declaration(text[c.end():])
		done = c.end() + text[c.end():].find(decl) + len(decl)
		title = f'{ident}()' if kind == 'function' else f'{kind} {ident}'.strip()
		out += [f'## {title}', '', md(summary), '', '```c', decl, '```', '']
		if fields:
			head = 'parameter' if kind == 'function' else 'member'
			out += [f'| {head} | |', '|---|---|']
			out += [f'| `{f}` | {md(t)} |' for f, t in fields] + ['']
		for label, body in sections:
			body_text = paragraphs(body)
			if not body_text:
				continue
			out += [(f'**{label}:** ' if label else '') + body_text, '']
	return '\n'.join(out).rstrip() + '\n', purpose, problems


def main():
	outdir, headers = sys.argv[1], sys.argv[2:]
	os.makedirs(outdir, exist_ok=True)
	index = ['# libvnet API reference', '',
		'Generated from the kernel-doc comments of the installed headers '
		'(`scripts/kdoc.py`). Compile with `pkg-config --cflags --libs libvnet` '
		'(and `libvnet-vhost`, `libvnet-ports` for their headers).', '',
		'| header | purpose |', '|---|---|']
	problems = []
	for h in sorted(headers, key=os.path.basename):
		page, purpose, bad = render(h)
		problems += bad
		base = os.path.basename(h)[:-2]
		with open(os.path.join(outdir, base + '.md'), 'w', encoding='utf-8') as f:
			f.write(page)
		index.append(f'| [vnet/{base}.h]({base}.md) | {md(purpose)} |')
	with open(os.path.join(outdir, 'index.md'), 'w', encoding='utf-8') as f:
		f.write('\n'.join(index) + '\n')
	for p in problems:
		print(p, file=sys.stderr)
	return 1 if problems else 0


if __name__ == '__main__':
	sys.exit(main())
