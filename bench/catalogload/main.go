// Command catalogload summarises BenchmarkCatalogLoad: it reads the output
// of go test -bench on its input, prints the median figures of each
// catalog size as a Markdown table, and plots time and memory against the
// number of files, on logarithmic scales, into a PNG: the first use that
// scans the catalog's members, and (cached/files=N) the one that takes
// their index from the folder of cached indexes. bench/catalog-load.sh
// runs it.
//
//	go test -run '^$' -bench BenchmarkCatalogLoad -count 3 . | go run ./bench/catalogload -o bench/catalog-load.png
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	out := flag.String("o", "catalog-load.png", "the PNG to write")
	flag.Parse()
	runs, err := read(os.Stdin)
	if err != nil {
		log.Fatal(err)
	}
	if len(runs) == 0 {
		log.Fatal("no BenchmarkCatalogLoad/files=N results on the input")
	}
	var sizes []int
	for k := range runs {
		if !slices.Contains(sizes, k.files) {
			sizes = append(sizes, k.files)
		}
	}
	slices.Sort(sizes)
	fmt.Println("| files (members) | index | catalog | wall | CPU | allocated | kept | runs |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	var rows []row
	for _, n := range sizes {
		r := row{files: float64(n), cachedWall: math.NaN(), cachedCPU: math.NaN()}
		for _, cached := range []bool{false, true} {
			m, ok := runs[runKey{n, cached}]
			if !ok {
				continue
			}
			wall, cpu := median(m["ns/op"])/1e6, median(m["cpu-ms/op"])
			catalog, alloc, kept := median(m["MB/catalog"]), median(m["alloc-MB/op"]), median(m["kept-MB"])
			index := "scanned"
			if cached {
				index = "cached"
				r.cachedWall, r.cachedCPU = wall, cpu
			} else {
				r.wall, r.cpu, r.catalog, r.alloc, r.kept = wall, cpu, catalog, alloc, kept
			}
			fmt.Printf("| %d (%d) | %s | %.1f MB | %.1f ms | %.1f ms | %.1f MB (%.2fx) | %.1f MB (%.2fx) | %d |\n",
				n, 2*n, index, catalog, wall, cpu, alloc, alloc/catalog, kept, kept/catalog, len(m["ns/op"]))
		}
		rows = append(rows, r)
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, plot(rows)); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// A runKey names a sub-benchmark: files=N, or cached/files=N.
type runKey struct {
	files  int
	cached bool
}

// read collects, by sub-benchmark, every value of every unit.
func read(r io.Reader) (map[runKey]map[string][]float64, error) {
	runs := map[runKey]map[string][]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		rest, cached := strings.CutPrefix(f[0], "BenchmarkCatalogLoad/cached/files=")
		if !cached {
			var ok bool
			if rest, ok = strings.CutPrefix(f[0], "BenchmarkCatalogLoad/files="); !ok {
				continue
			}
		}
		rest, _, _ = strings.Cut(rest, "-")
		n, err := strconv.Atoi(rest)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", f[0], err)
		}
		k := runKey{n, cached}
		if runs[k] == nil {
			runs[k] = map[string][]float64{}
		}
		// Fields after the iteration count come in value-unit pairs.
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", sc.Text(), err)
			}
			runs[k][f[i+1]] = append(runs[k][f[i+1]], v)
		}
	}
	return runs, sc.Err()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

type row struct {
	files, wall, cpu, catalog, alloc, kept float64
	cachedWall, cachedCPU                  float64 // NaN when not measured
}

var (
	black  = color.RGBA{0, 0, 0, 255}
	grey   = color.RGBA{170, 170, 170, 255}
	light  = color.RGBA{230, 230, 230, 255}
	blue   = color.RGBA{31, 100, 200, 255}
	red    = color.RGBA{210, 50, 40, 255}
	orange = color.RGBA{230, 140, 20, 255}
	green  = color.RGBA{40, 150, 60, 255}
	sky    = color.RGBA{110, 180, 240, 255}
	pink   = color.RGBA{240, 140, 130, 255}
)

type series struct {
	label  string
	c      color.Color
	y      func(row) float64
	ref    bool // a linear reference through the middle point, dashed
	dashed bool
}

// plot draws two panels, time and memory, against the number of files.
func plot(rows []row) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 1200, 560))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	text(img, 20, 12, 3, "catalog first use: time and memory against files (log-log)", black)
	panel(img, image.Rect(90, 110, 560, 460), rows, "ms", []series{
		{label: "wall", c: blue, y: func(r row) float64 { return r.wall }},
		{label: "CPU", c: red, y: func(r row) float64 { return r.cpu }},
		{label: "linear", c: grey, y: func(r row) float64 { return r.cpu }, ref: true},
		{label: "wall, cached", c: sky, y: func(r row) float64 { return r.cachedWall }, dashed: true},
		{label: "CPU, cached", c: pink, y: func(r row) float64 { return r.cachedCPU }, dashed: true},
	})
	panel(img, image.Rect(690, 110, 1160, 460), rows, "MB", []series{
		{label: "catalog", c: black, y: func(r row) float64 { return r.catalog }},
		{label: "allocated", c: orange, y: func(r row) float64 { return r.alloc }},
		{label: "kept", c: green, y: func(r row) float64 { return r.kept }},
	})
	return img
}

func panel(img *image.RGBA, area image.Rectangle, rows []row, unit string, ss []series) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, r := range rows {
			if v := s.y(r); v > 0 {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	ylo, yhi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if yhi == ylo {
		yhi++
	}
	xlo, xhi := math.Log10(rows[0].files)-0.25, math.Log10(rows[len(rows)-1].files)+0.25
	px := func(files float64) int {
		return area.Min.X + int((math.Log10(files)-xlo)/(xhi-xlo)*float64(area.Dx()))
	}
	py := func(v float64) int {
		return area.Max.Y - int((math.Log10(v)-ylo)/(yhi-ylo)*float64(area.Dy()))
	}
	// Grid and axes: a line per decade of y, one per size of x.
	for d := ylo; d <= yhi; d++ {
		y := py(math.Pow(10, d))
		line(img, area.Min.X, y, area.Max.X, y, light, 1, false, image.Rectangle{})
		label := strconv.FormatFloat(math.Pow(10, d), 'f', -1, 64)
		text(img, area.Min.X-8-6*2*len(label), y-7, 2, label, black)
	}
	for _, r := range rows {
		x := px(r.files)
		line(img, x, area.Min.Y, x, area.Max.Y, light, 1, false, image.Rectangle{})
		label := fmt.Sprintf("%gk", r.files/1000)
		if r.files >= 1e6 {
			label = fmt.Sprintf("%gM", r.files/1e6)
		}
		text(img, x-6*len(label), area.Max.Y+10, 2, label, black)
	}
	line(img, area.Min.X, area.Max.Y, area.Max.X, area.Max.Y, black, 2, false, image.Rectangle{})
	line(img, area.Min.X, area.Min.Y, area.Min.X, area.Max.Y, black, 2, false, image.Rectangle{})
	text(img, area.Min.X+area.Dx()/2-30, area.Max.Y+36, 2, "files", black)
	text(img, area.Min.X-70, area.Min.Y-30, 2, unit, black)
	for i, s := range ss {
		lx, ly := area.Min.X+10+(i%3)*180, area.Min.Y-30-22*(i/3)
		line(img, lx, ly+7, lx+24, ly+7, s.c, 3, s.ref || s.dashed, image.Rectangle{})
		text(img, lx+30, ly, 2, s.label, black)
		if s.ref {
			// y proportional to files, through the middle size's point.
			mid := rows[len(rows)/2]
			k := s.y(mid) / mid.files
			a, b := rows[0].files, rows[len(rows)-1].files
			line(img, px(a), py(k*a), px(b), py(k*b), s.c, 2, true, area)
			continue
		}
		var prev *row
		for j, r := range rows {
			if !(s.y(r) > 0) {
				continue // not measured
			}
			x, y := px(r.files), py(s.y(r))
			for dy := -4; dy <= 4; dy++ {
				for dx := -4; dx <= 4; dx++ {
					img.Set(x+dx, y+dy, s.c)
				}
			}
			if prev != nil {
				line(img, px(prev.files), py(s.y(*prev)), x, y, s.c, 2, s.dashed, image.Rectangle{})
			}
			prev = &rows[j]
		}
	}
}

// line draws a line of the given width from (x0, y0) to (x1, y1), dashed
// if asked, within clip unless it is empty.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color, width int, dashed bool, clip image.Rectangle) {
	steps := max(abs(x1-x0), abs(y1-y0), 1)
	for i := 0; i <= steps; i++ {
		if dashed && (i/8)%2 == 1 {
			continue
		}
		x := x0 + (x1-x0)*i/steps
		y := y0 + (y1-y0)*i/steps
		if !clip.Empty() && !image.Pt(x, y).In(clip) {
			continue
		}
		for d := range width {
			img.Set(x+d-width/2, y, c)
			img.Set(x, y+d-width/2, c)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
