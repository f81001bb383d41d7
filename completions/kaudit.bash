_kaudit() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="kaudit"
                ;;
            kaudit,completions)
                cmd="kaudit__subcmd__completions"
                ;;
            kaudit,detect)
                cmd="kaudit__subcmd__detect"
                ;;
            kaudit,events)
                cmd="kaudit__subcmd__events"
                ;;
            kaudit,help)
                cmd="kaudit__subcmd__help"
                ;;
            kaudit,history)
                cmd="kaudit__subcmd__history"
                ;;
            kaudit,latency)
                cmd="kaudit__subcmd__latency"
                ;;
            kaudit,man)
                cmd="kaudit__subcmd__man"
                ;;
            kaudit,policy)
                cmd="kaudit__subcmd__policy"
                ;;
            kaudit,summary)
                cmd="kaudit__subcmd__summary"
                ;;
            kaudit,timeline)
                cmd="kaudit__subcmd__timeline"
                ;;
            kaudit,tokens)
                cmd="kaudit__subcmd__tokens"
                ;;
            kaudit,top)
                cmd="kaudit__subcmd__top"
                ;;
            kaudit,what)
                cmd="kaudit__subcmd__what"
                ;;
            kaudit,when)
                cmd="kaudit__subcmd__when"
                ;;
            kaudit,where)
                cmd="kaudit__subcmd__where"
                ;;
            kaudit,who)
                cmd="kaudit__subcmd__who"
                ;;
            kaudit__subcmd__help,completions)
                cmd="kaudit__subcmd__help__subcmd__completions"
                ;;
            kaudit__subcmd__help,detect)
                cmd="kaudit__subcmd__help__subcmd__detect"
                ;;
            kaudit__subcmd__help,events)
                cmd="kaudit__subcmd__help__subcmd__events"
                ;;
            kaudit__subcmd__help,help)
                cmd="kaudit__subcmd__help__subcmd__help"
                ;;
            kaudit__subcmd__help,history)
                cmd="kaudit__subcmd__help__subcmd__history"
                ;;
            kaudit__subcmd__help,latency)
                cmd="kaudit__subcmd__help__subcmd__latency"
                ;;
            kaudit__subcmd__help,man)
                cmd="kaudit__subcmd__help__subcmd__man"
                ;;
            kaudit__subcmd__help,policy)
                cmd="kaudit__subcmd__help__subcmd__policy"
                ;;
            kaudit__subcmd__help,summary)
                cmd="kaudit__subcmd__help__subcmd__summary"
                ;;
            kaudit__subcmd__help,timeline)
                cmd="kaudit__subcmd__help__subcmd__timeline"
                ;;
            kaudit__subcmd__help,tokens)
                cmd="kaudit__subcmd__help__subcmd__tokens"
                ;;
            kaudit__subcmd__help,top)
                cmd="kaudit__subcmd__help__subcmd__top"
                ;;
            kaudit__subcmd__help,what)
                cmd="kaudit__subcmd__help__subcmd__what"
                ;;
            kaudit__subcmd__help,when)
                cmd="kaudit__subcmd__help__subcmd__when"
                ;;
            kaudit__subcmd__help,where)
                cmd="kaudit__subcmd__help__subcmd__where"
                ;;
            kaudit__subcmd__help,who)
                cmd="kaudit__subcmd__help__subcmd__who"
                ;;
            kaudit__subcmd__help__subcmd__policy,check)
                cmd="kaudit__subcmd__help__subcmd__policy__subcmd__check"
                ;;
            kaudit__subcmd__help__subcmd__policy,simulate)
                cmd="kaudit__subcmd__help__subcmd__policy__subcmd__simulate"
                ;;
            kaudit__subcmd__policy,check)
                cmd="kaudit__subcmd__policy__subcmd__check"
                ;;
            kaudit__subcmd__policy,help)
                cmd="kaudit__subcmd__policy__subcmd__help"
                ;;
            kaudit__subcmd__policy,simulate)
                cmd="kaudit__subcmd__policy__subcmd__simulate"
                ;;
            kaudit__subcmd__policy__subcmd__help,check)
                cmd="kaudit__subcmd__policy__subcmd__help__subcmd__check"
                ;;
            kaudit__subcmd__policy__subcmd__help,help)
                cmd="kaudit__subcmd__policy__subcmd__help__subcmd__help"
                ;;
            kaudit__subcmd__policy__subcmd__help,simulate)
                cmd="kaudit__subcmd__policy__subcmd__help__subcmd__simulate"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        kaudit)
            opts="-h -V --help --version summary events timeline who what where top when latency tokens history detect policy completions man help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__completions)
            opts="-h -V --help --version bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__detect)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --list --check-rules --rules-file --no-builtin --rules --skip --threshold --min-severity --fail-on --show-secrets --max-evidence --max-rule-hits --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --check-rules)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rules-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --rules)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --skip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --threshold)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --min-severity)
                    COMPREPLY=($(compgen -W "info low medium high critical" -- "${cur}"))
                    return 0
                    ;;
                --fail-on)
                    COMPREPLY=($(compgen -W "info low medium high critical" -- "${cur}"))
                    return 0
                    ;;
                --max-evidence)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-rule-hits)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__events)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --sort --per-stage --bodies --show-secrets --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv raw" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv raw" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --sort)
                    COMPREPLY=($(compgen -W "completed received" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help)
            opts="summary events timeline who what where top when latency tokens history detect policy completions man help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__detect)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__events)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__history)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__latency)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__man)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__policy)
            opts="check simulate"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__policy__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__policy__subcmd__simulate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__summary)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__timeline)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__tokens)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__top)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__what)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__when)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__where)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__help__subcmd__who)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__history)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --show-secrets --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__latency)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__man)
            opts="-h -V --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__policy)
            opts="-h -V --help --version check simulate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__policy__subcmd__check)
            opts="-j -o -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --output --fail-on-lint --server-version --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                --server-version)
                    COMPREPLY=($(compgen -W "1.20 1.35" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__policy__subcmd__help)
            opts="check simulate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__policy__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__policy__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__policy__subcmd__help__subcmd__simulate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__policy__subcmd__simulate)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --server-version --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --server-version)
                    COMPREPLY=($(compgen -W "1.20 1.35" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__summary)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__timeline)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --context --collapse --sort-memory --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --context)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --collapse)
                    COMPREPLY=($(compgen -W "object kind none" -- "${cur}"))
                    return 0
                    ;;
                --sort-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__tokens)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__top)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --by --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --by)
                    COMPREPLY=($(compgen -W "user group verb resource subresource namespace name code decision ip user-agent api-group level hour uri cluster apiserver annotation:KEY" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__what)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --by-object --sort --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --sort)
                    COMPREPLY=($(compgen -W "requests first last denied name" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__when)
            opts="-j -u -g -v -r -n -A -o -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --bucket --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --bucket)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__where)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --by --sort --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --by)
                    COMPREPLY=($(compgen -W "ip user-agent" -- "${cur}"))
                    return 0
                    ;;
                --sort)
                    COMPREPLY=($(compgen -W "requests first last denied name" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        kaudit__subcmd__who)
            opts="-j -u -g -v -r -n -A -o -k -h -V --input-format --threads --no-mmap --max-gzip-ratio --max-open-memory --strict --no-progress --user --group --verb --resource --namespace --all-namespaces --name --audit-id --code --decision --ip --user-agent --uri --since-time --since --until-time --until --level --stage --incomplete --dry-run --annotation --field-manager --cluster --output --no-headers --color --utc --local --sort --limit --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --input-format)
                    COMPREPLY=($(compgen -W "auto native json eks gke aks" -- "${cur}"))
                    return 0
                    ;;
                --threads)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -j)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-gzip-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-open-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -g)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --verb)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -W "get list watch create update patch delete deletecollection read write" -- "${cur}"))
                    return 0
                    ;;
                --resource)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                -r)
                    COMPREPLY=($(compgen -W "pods po services svc configmaps cm secrets serviceaccounts sa namespaces ns nodes no events ev endpoints ep persistentvolumes pv persistentvolumeclaims pvc replicationcontrollers rc resourcequotas quota limitranges limits podtemplates componentstatuses cs bindings deployments deploy replicasets rs statefulsets sts daemonsets ds controllerrevisions jobs cronjobs cj horizontalpodautoscalers hpa ingresses ing ingressclasses networkpolicies netpol poddisruptionbudgets pdb podsecuritypolicies psp roles rolebindings clusterroles clusterrolebindings crb customresourcedefinitions crd crds storageclasses sc volumeattachments csidrivers csinodes certificatesigningrequests csr priorityclasses pc leases endpointslices runtimeclasses mutatingwebhookconfigurations validatingwebhookconfigurations apiservices flowschemas prioritylevelconfigurations tokenreviews subjectaccessreviews selfsubjectaccessreviews selfsubjectrulesreviews localsubjectaccessreviews pods/exec pods/attach pods/portforward pods/log nodes/proxy serviceaccounts/token" -- "${cur}"))
                    return 0
                    ;;
                --namespace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -n)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --audit-id)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --code)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --decision)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user-agent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uri)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --since-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --until-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stage)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dry-run)
                    COMPREPLY=($(compgen -W "only exclude unknown" -- "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --field-manager)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --output)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -W "table wide json ndjson csv" -- "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --sort)
                    COMPREPLY=($(compgen -W "requests first last denied name" -- "${cur}"))
                    return 0
                    ;;
                --limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -k)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _kaudit -o nosort -o bashdefault -o default kaudit
else
    complete -F _kaudit -o bashdefault -o default kaudit
fi
