//go:build goja_profiler

package goja

// The profiler's output, in pprof's format, is built only with the
// goja_profiler tag: github.com/google/pprof/profile's package
// initialisation (INTACT-PATCHES.md) is paid by every program that
// links goja, profiling or not.

import (
	"io"
	"strconv"

	"github.com/google/pprof/profile"
)

const profilerBuilt = true

type profFunc struct {
	f    profile.Function
	locs map[int32]*profile.Location
}

type profSampleNode struct {
	loc      *profile.Location
	sample   *profile.Sample
	parent   *profSampleNode
	children map[*profile.Location]*profSampleNode
}

type profBuffer struct {
	funcs map[*Program]*profFunc
	root  profSampleNode
}

func (pb *profBuffer) addSample(pt *profTracker) {
	sampleFrames := pt.frames[:pt.numFrames]
	n := &pb.root
	for j := len(sampleFrames) - 1; j >= 0; j-- {
		frame := sampleFrames[j]
		if frame.prg == nil {
			continue
		}
		var f *profFunc
		if f = pb.funcs[frame.prg]; f == nil {
			f = &profFunc{
				locs: make(map[int32]*profile.Location),
			}
			if pb.funcs == nil {
				pb.funcs = make(map[*Program]*profFunc)
			}
			pb.funcs[frame.prg] = f
		}
		var loc *profile.Location
		if loc = f.locs[int32(frame.pc)]; loc == nil {
			loc = &profile.Location{}
			f.locs[int32(frame.pc)] = loc
		}
		if nn := n.children[loc]; nn == nil {
			if n.children == nil {
				n.children = make(map[*profile.Location]*profSampleNode, 1)
			}
			nn = &profSampleNode{
				parent: n,
				loc:    loc,
			}
			n.children[loc] = nn
			n = nn
		} else {
			n = nn
		}
	}
	smpl := n.sample
	if smpl == nil {
		locs := make([]*profile.Location, 0, len(sampleFrames))
		for n1 := n; n1.loc != nil; n1 = n1.parent {
			locs = append(locs, n1.loc)
		}
		smpl = &profile.Sample{
			Location: locs,
			Value:    make([]int64, 2),
		}
		n.sample = smpl
	}
	smpl.Value[0]++
	smpl.Value[1] += int64(pt.stop.Sub(pt.start))
}

func (pb *profBuffer) profile() *profile.Profile {
	pr := profile.Profile{}
	pr.SampleType = []*profile.ValueType{
		{Type: "samples", Unit: "count"},
		{Type: "cpu", Unit: "nanoseconds"},
	}
	pr.PeriodType = pr.SampleType[1]
	pr.Period = int64(profInterval)
	mapping := &profile.Mapping{
		ID:   1,
		File: "[ECMAScript code]",
	}
	pr.Mapping = make([]*profile.Mapping, 1, len(pb.funcs)+1)
	pr.Mapping[0] = mapping

	pr.Function = make([]*profile.Function, 0, len(pb.funcs))
	funcNames := make(map[string]struct{})
	var funcId, locId uint64
	for prg, f := range pb.funcs {
		fileName := prg.src.Name()
		funcId++
		f.f.ID = funcId
		f.f.Filename = fileName
		var funcName string
		if prg.funcName != "" {
			funcName = prg.funcName.String()
		} else {
			funcName = "<anonymous>"
		}
		// Make sure the function name is unique, otherwise the graph display merges them into one node, even
		// if they are in different mappings.
		if _, exists := funcNames[funcName]; exists {
			funcName += "." + strconv.FormatUint(f.f.ID, 10)
		} else {
			funcNames[funcName] = struct{}{}
		}
		f.f.Name = funcName
		pr.Function = append(pr.Function, &f.f)
		for pc, loc := range f.locs {
			locId++
			loc.ID = locId
			pos := prg.src.Position(prg.sourceOffset(int(pc)))
			loc.Line = []profile.Line{
				{
					Function: &f.f,
					Line:     int64(pos.Line),
				},
			}

			loc.Mapping = mapping
			pr.Location = append(pr.Location, loc)
		}
	}
	pb.addSamples(&pr, &pb.root)
	return &pr
}

func (pb *profBuffer) addSamples(p *profile.Profile, n *profSampleNode) {
	if n.sample != nil {
		p.Sample = append(p.Sample, n.sample)
	}
	for _, child := range n.children {
		pb.addSamples(p, child)
	}
}

func (pb *profBuffer) write(w io.Writer) error {
	return pb.profile().Write(w)
}
