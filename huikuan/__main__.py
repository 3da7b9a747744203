from huikuan.manage import main

main()
