package nodelib

import (
	"fmt"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// lowerAsyncIteration rewrites the async generators and for-await loops of
// an embedded module, which goja cannot parse, into code it runs.
func lowerAsyncIteration(file string, src []byte) ([]byte, error) {
	res := api.Transform(string(src), api.TransformOptions{
		Loader:     api.LoaderJS,
		Target:     api.ESNext,
		Sourcefile: file,
		LogLevel:   api.LogLevelSilent,
		Supported: map[string]bool{
			"async-generator": false,
			"for-await":       false,
		},
	})
	if len(res.Errors) > 0 {
		msgs := make([]string, len(res.Errors))
		for i, m := range res.Errors {
			msgs[i] = m.Text
		}
		return nil, fmt.Errorf("nodelib: lowering %s: %s", file, strings.Join(msgs, "; "))
	}
	return res.Code, nil
}
