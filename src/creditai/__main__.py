from creditai.cli import main

main()
