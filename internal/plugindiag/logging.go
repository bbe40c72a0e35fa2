// Package plugindiag holds the plugin process's diagnostics switches: default log quieting and an opt-in CPU profile.
package plugindiag

import "os"

// Terraform's plugin SDK loggers default to TRACE: without this, every RPC writes dozens of JSON log lines to
// stderr that terraform parses and then drops, because nobody asked for logs. That cost ~20% of the provider's
// CPU and more of terraform's on a plan of 50 resources. When no TF_LOG* variable is set, they are turned off.
var logEnv = []string{
	"TF_LOG", "TF_LOG_PATH", "TF_LOG_CORE", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_SECURESCORE",
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_ACC_LOG_PATH", "TF_LOG_SDK_PROTO_DATA_DIR",
}

// QuietUnlessAsked sets the SDK and provider log levels to OFF when the user asked for no logs at all.
func QuietUnlessAsked() {
	for _, k := range logEnv {
		if os.Getenv(k) != "" {
			return
		}
	}
	for _, k := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(k, "OFF") // cannot fail for a valid name
	}
}
