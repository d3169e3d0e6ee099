# What the assistant says about questions outside its domain (knowledge/_scope.toml).

scope-other-service = This looks like a question about { $service }. I am the help assistant for the 学信网 (CHSI) student account and can only help with the account itself (registering, signing in, recovering the username or password, an ID number already registered, mobile and e-mail, real-name details). For an account, password or ID question on { $service }, please contact { $service }'s own support.
scope-outside-subject = That is a question about { $subject }, which is not part of the 学信网 account help, so I can't help with it here. I can only answer questions about the account itself (registering, signing in, recovering the username or password, an ID number already registered, mobile and e-mail, real-name details). For this, please follow the official website of the service in charge, or ask its support.

scope-service-railway = 12306 (China Railway)
scope-service-tax = the individual income tax service
scope-service-customs = China Customs
scope-service-bank = your bank
scope-service-credit-bank = the credit bank (学分银行)
scope-service-social-insurance = social insurance, medical insurance or the housing fund
scope-service-alipay = Alipay
scope-service-qq = QQ
scope-service-wechat = WeChat Pay
scope-service-school-system = your school's academic or student records system
scope-service-government = the government services platform

scope-subject-verification-report = degree and student record verification reports (including their online verification codes and filing forms)
scope-subject-records-content = what your student or degree records say, and your files
scope-subject-exams = exam sign-up, admission tickets and scores
scope-subject-graduate-admission = graduate admission sign-up, online confirmation and adjustment
scope-subject-conscription = military service registration and enlistment sign-up

vague-code = Which "verification code" do you mean?
vague-code-picture = The picture captcha (at sign-in)
vague-code-sms = The SMS / mobile code
vague-code-report = The online code of a degree or record report
