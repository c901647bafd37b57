#!/usr/bin/env python3
# check_layers.py - every include arrow points down the layers: a file
# includes headers of its own layer or of a layer below it, and private
# headers (*_priv.h, *_int.h) only from its own folder. Prints each
# violation as file:line: message; exits 1 if there is one.
#   scripts/check_layers.py [ROOT]      (default: the tree this script is in)
# Called by scripts/lint.sh, so `make check` runs it.
import os
import re
import sys

# The layers, bottom up: name, folder, its public headers in include/vnet/
# (without .h), the layers directly below it. A layer may include its own
# headers and those of every layer below it, transitively; nothing else.
# offload, device and virtq sit side by side on packet and never include
# each other. common holds header-only helpers (hex.h) that every layer
# may use and none exports. pcap is the vnet tool's and the daemon's
# capture file reader and writer (libpcap), outside libvnet.
LAYERS = [
	('common', 'src/common', '', ''),
	('packet', 'src/lib/packet', 'export csum csum_verify features hdr parse pkt', 'common'),
	('offload', 'src/lib/offload', 'gro gso rx tx', 'packet'),
	('device', 'src/lib/device', 'coal config ctrl dev dev_rx filter rss steer toeplitz vq_map', 'packet'),
	('virtq', 'src/lib/virtq', 'dirty_log iotlb mem virtq virtq_net virtq_serve', 'packet'),
	('vhost', 'src/vhost', 'vhost_user', 'offload device virtq'),
	('ports', 'src/ports', 'overlay overlay_fdb tap', 'vhost'),
	('pcap', 'src/pcap', '', ''),
	('vnetd', 'src/vnetd', '', 'ports pcap'),
	('tools', 'src/tools', '', 'ports pcap'),
]

# Trees whose files belong to no layer: only the private-header rule holds
# for them, with tests/unit/<layer>/ standing for the layer's own folder
# (white-box unit tests of that folder); examples/ include installed
# headers (vnet/) only.
OUTSIDE = ['tests', 'fuzz', 'bench', 'examples']

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')
PRIVATE = re.compile(r'_(priv|int)\.h$')


def below(name, direct):
	"""Every layer under name, following the table's arrows."""
	seen, todo = set(), list(direct[name])
	while todo:
		layer = todo.pop()
		if layer not in seen:
			seen.add(layer)
			todo += direct[layer]
	return seen


def sources(root, top):
	for base, _, names in os.walk(os.path.join(root, top)):
		for n in sorted(names):
			if n.endswith(('.c', '.h')):
				yield os.path.relpath(os.path.join(base, n), root)


def main():
	root = sys.argv[1] if len(sys.argv) > 1 else \
		os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
	folder = {name: f for name, f, _, _ in LAYERS}
	direct = {name: d.split() for name, _, _, d in LAYERS}
	allowed = {name: below(name, direct) | {name} for name in direct}
	owner = {}  # include/vnet/x.h or src/... header -> layer
	for name, f, hdrs, _ in LAYERS:
		for h in hdrs.split():
			owner['include/vnet/' + h + '.h'] = name
	by_folder = {f: name for name, f, _, _ in LAYERS}
	# Headers found by include path rather than by the includer's folder.
	by_base = {}
	for top in ['src'] + OUTSIDE:
		for path in sources(root, top):
			if path.endswith('.h'):
				by_base.setdefault(os.path.basename(path), path)

	def layer_of(path):
		if path in owner:
			return owner[path]
		return by_folder.get(os.path.dirname(path))

	def resolve(path, inc):
		if inc.startswith('vnet/'):
			return 'include/' + inc
		near = os.path.normpath(os.path.join(os.path.dirname(path), inc))
		if os.path.exists(os.path.join(root, near)):
			return near
		return by_base.get(os.path.basename(inc))  # None: a system header

	def own_folder(path):
		d = os.path.dirname(path)
		m = re.match(r'tests/unit/([^/]+)$', d)
		return folder.get(m.group(1), d) if m else d

	bad = []
	files = list(sources(root, 'src')) + list(sources(root, 'include'))
	for top in OUTSIDE:
		files += list(sources(root, top))
	for path in files:
		me = layer_of(path)
		if path.startswith(('src/', 'include/')) and me is None:
			bad.append(f'{path}:1: error: in no layer: add it to the table in {sys.argv[0]}')
			continue
		with open(os.path.join(root, path), encoding='utf-8') as fh:
			for no, line in enumerate(fh, 1):
				m = INCLUDE.match(line)
				if not m:
					continue
				hdr = resolve(path, m.group(1))
				if hdr is None:
					continue
				if path.startswith('examples/') and not hdr.startswith('include/vnet/'):
					bad.append(f'{path}:{no}: error: includes {hdr}: an example '
						f'uses the installed headers only')
					continue
				if PRIVATE.search(hdr) and os.path.dirname(hdr) != own_folder(path):
					bad.append(f'{path}:{no}: error: includes {hdr}, private to {os.path.dirname(hdr)}')
					continue
				them = layer_of(hdr)
				if hdr.startswith('include/') and them is None:
					bad.append(f'{path}:{no}: error: {hdr} is in no layer: add it to the table')
				elif me is not None and them is not None and them not in allowed[me]:
					bad.append(f'{path}:{no}: error: {me} includes {hdr} of {them}, '
						f'which is not below it')
	for b in bad:
		print(b)
	return 1 if bad else 0


if __name__ == '__main__':
	sys.exit(main())
